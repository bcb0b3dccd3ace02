"""The semi-supervised adversarial autoencoder (Makhzani et al. 2016, §5)."""

import keras
import numpy as np
from keras import ops

from kerasgan.engine.data_spec import DataSpec
from kerasgan.engine.gan import count_argument
from kerasgan.engine.phase import Phase
from kerasgan.models.adversarial_autoencoder.aae_encoder import AAEEncoder
from kerasgan.models.adversarial_autoencoder.adversarial_autoencoder import (
    AdversarialAutoencoder,
)
from kerasgan.models.adversarial_autoencoder.adversarial_autoencoder import adversarial_adam
from kerasgan.models.adversarial_autoencoder.adversarial_autoencoder import encoder_adam
from kerasgan.models.adversarial_autoencoder.adversarial_autoencoder import reconstruction_adam
from kerasgan.models.adversarial_autoencoder.latent_discriminator import LatentDiscriminator
from kerasgan.models.networks import MLPGenerator


@keras.saving.register_keras_serializable(package="kerasgan")
class SemiSupervisedAAE(AdversarialAutoencoder):
    """Semi-supervised classification with an adversarial autoencoder (paper §5, Fig. 8).

    The encoder q(y, z|x) has two heads: a softmax over `num_classes` (the
    categorical code y) and a style code z of `latent_dim`. The decoder
    reconstructs x from `[y, z]`. Two discriminators make y one-hot-like and z
    follow the prior. Each step runs five phases:

    1. `reconstruction` (encoder, decoder; optimizer `"ae"`) on unlabelled images;
    2. `style_discriminator` (`"d_style"`): prior samples vs the encoder's z;
    3. `category_discriminator` (`"d_category"`): one-hot vectors of uniformly
       drawn classes vs the encoder's y;
    4. `regularization` (the encoder as the generator of both codes; `"g"`);
    5. `classification` (`"c"`): the encoder's y minimises the cross-entropy to
       the labels of a labelled mini-batch (it trains the encoder but for its style
       head, which y does not depend on).

    The batch is `(images, labelled_images, labels)`: an unlabelled batch (the
    whole training set, its labels unused) and a batch of the small labelled set;
    `training_arrays` pairs them for `fit`. `classify(images)` predicts classes.

    Args:
        data_shape: shape of one example.
        num_classes: the number of classes (the size of y).
        latent_dim: the size of the style code z.
        prior: the style code's prior (`"gaussian"` in the paper).
        hidden_units, d_hidden_units, batch_norm, output_activation, loss, seed,
            **kwargs: as for `AdversarialAutoencoder` (both discriminators have
            `d_hidden_units`).

    Example:

    ```python
    ssaae = kerasgan.models.SemiSupervisedAAE(data_shape=(28, 28, 1), num_classes=10)
    labelled = SemiSupervisedAAE.labelled_subset(y_train, per_class=10, seed=0)
    ssaae.compile()
    ssaae.fit(SemiSupervisedAAE.training_arrays(x_train, y_train, labelled, seed=0),
              batch_size=100, epochs=5)
    error = np.mean(ssaae.classify(x_test) != y_test)
    ```

    Paper: https://arxiv.org/abs/1511.05644
    """

    def __init__(self, data_shape=(28, 28, 1), num_classes=10, latent_dim=8,
                 prior="gaussian", hidden_units=(1000, 1000), d_hidden_units=(1000, 1000),
                 batch_norm=False, output_activation="tanh", loss="non_saturating",
                 seed=None, **kwargs):
        super().__init__(data_shape, latent_dim, prior, num_classes, hidden_units,
                         d_hidden_units, batch_norm, output_activation, loss, seed, **kwargs)

    def _checked_num_classes(self, num_classes):
        num_classes = count_argument(num_classes, "num_classes")
        if num_classes < 2:
            raise ValueError(f"num_classes must be at least 2; got {num_classes}.")
        return num_classes

    @property
    def code_size(self):
        """The decoder's input: the class probabilities and the style code."""
        return self.num_classes + self.latent_dim

    def build_networks(self):
        return {
            "encoder": AAEEncoder(self.data_shape, self.latent_dim, self.hidden_units,
                                  self.batch_norm, num_classes=self.num_classes),
            "decoder": MLPGenerator(self.code_size, self.data_shape, self.hidden_units,
                                    self.output_activation, name="decoder"),
            "style_discriminator": LatentDiscriminator(
                self.latent_dim, self.d_hidden_units, name="style_discriminator"),
            "category_discriminator": LatentDiscriminator(
                self.num_classes, self.d_hidden_units, name="category_discriminator"),
        }

    def data_spec(self):
        return (
            DataSpec("images", self.data_shape),
            DataSpec("labelled_images", self.data_shape),
            DataSpec("labels", (), kind="label", num_classes=self.num_classes),
        )

    def default_optimizers(self):
        """Adam(1e-3) for the reconstruction and the classifier, the base's optimizers
        for the discriminators and the regularization (the paper: SGD, momentum)."""
        return {"ae": reconstruction_adam(), "d_style": adversarial_adam(),
                "d_category": adversarial_adam(), "g": encoder_adam(),
                "c": reconstruction_adam()}

    def phases(self):
        return [
            Phase("reconstruction", self.reconstruction_loss, ("encoder", "decoder"), "ae",
                  logs=("reconstruction",)),
            Phase("style_discriminator", self.style_discriminator_loss,
                  "style_discriminator", "d_style", logs=("d_style_loss",)),
            Phase("category_discriminator", self.category_discriminator_loss,
                  "category_discriminator", "d_category", logs=("d_category_loss",)),
            Phase("regularization", self.regularization_loss, "encoder", "g",
                  logs=("g_loss",)),
            Phase("classification", self.classification_loss, self.classifier_variables(),
                  "c", logs=("classification", "labelled_accuracy")),
        ]

    def classifier_variables(self):
        """The encoder's variables q(y|x) depends on: all but the style head's."""
        style_head = {id(v) for v in self.encoder.get_layer("code").trainable_variables}
        return [v for v in self.encoder.trainable_variables if id(v) not in style_head]

    # ------------------------------------------------------------------ losses
    def reconstruction_loss(self, images, labelled_images, labels):
        category, style = self.encoder(images, training=True)
        joined = ops.concatenate([category, style], axis=-1)
        reconstructed = self.decoder(joined, training=True)
        error = ops.mean(ops.square(ops.cast(reconstructed, "float32") - images))
        return error, {"reconstruction": error}

    def _adversarial_d(self, network, real, fake):
        loss = self.adversarial_loss.discriminator_loss(
            network(real, training=True), network(ops.stop_gradient(fake), training=True))
        return loss

    def style_discriminator_loss(self, images, labelled_images, labels):
        _, style = self.encode_keeping_statistics(images)
        real = self.prior.sample_tensor(ops.shape(images)[0], self.latent_dim,
                                        self.seed_generator)
        loss = self._adversarial_d(self.style_discriminator, real, style)
        return loss, {"d_style_loss": loss}

    def category_discriminator_loss(self, images, labelled_images, labels):
        category, _ = self.encode_keeping_statistics(images)
        drawn = keras.random.randint((ops.shape(images)[0],), 0, self.num_classes,
                                     seed=self.seed_generator)
        real = ops.one_hot(drawn, self.num_classes)
        loss = self._adversarial_d(self.category_discriminator, real, category)
        return loss, {"d_category_loss": loss}

    def regularization_loss(self, images, labelled_images, labels):
        category, style = self.encoder(images, training=True)
        loss = (self.adversarial_loss.generator_loss(self.style_discriminator(style, training=True))
                + self.adversarial_loss.generator_loss(
                    self.category_discriminator(category, training=True)))
        return loss, {"g_loss": loss}

    def classification_loss(self, images, labelled_images, labels):
        category, _ = self.encoder(labelled_images, training=True)
        loss = ops.mean(keras.losses.sparse_categorical_crossentropy(labels, category))
        correct = ops.equal(ops.argmax(category, axis=-1), ops.cast(labels, "int32"))
        return loss, {"classification": loss,
                      "labelled_accuracy": ops.mean(ops.cast(correct, "float32"))}

    # ---------------------------------------------------------------- inference
    def encode(self, images, batch_size=256):
        """`[y, z]` of `images`: class probabilities and style code, `(n, code_size)`."""
        images = self._checked(images, self.data_shape, "encode")
        network = self.inference_network("encoder")
        return self._run("encode", lambda x: ops.concatenate(network(x, training=False), axis=-1),
                         images, batch_size)

    def predict_classes(self, images, batch_size=256):
        """The encoder's class probabilities q(y|x), `(n, num_classes)`."""
        return self.encode(images, batch_size)[:, : self.num_classes]

    def classify(self, images, batch_size=256):
        """The predicted class of each image: the argmax of q(y|x), `(n,)` int."""
        return np.argmax(self.predict_classes(images, batch_size), axis=-1)

    def latents_for(self, n, seed=None, labels=None):
        """`[one_hot(class), style]` codes: classes from `labels` or drawn from `seed`."""
        n = count_argument(n, "n")
        labels = self.check_labels(labels, n)
        rng = np.random.default_rng(seed)
        drawn = rng.integers(0, self.num_classes, n)
        classes = drawn if labels is None else labels
        style = self.prior.sample(n, self.latent_dim, int(rng.integers(2**31)))
        return np.concatenate([np.eye(self.num_classes, dtype="float32")[classes], style], 1)

    def generate_from_latents(self, latents, labels=None, batch_size=256):
        """Decodes codes `[y, z]`; `labels` replace y by their one-hot vectors."""
        labels = self.check_labels(labels, len(latents))
        if labels is not None:
            latents = np.array(latents, "float32")
            latents[:, : self.num_classes] = np.eye(self.num_classes)[labels]
        return self.decode(latents, batch_size)

    def check_labels(self, labels, n):
        if labels is None:
            return None
        labels = np.asarray(labels)
        if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer) or (
            labels.min() < 0 or labels.max() >= self.num_classes
        ):
            raise ValueError(
                f"labels must be {n} integers in [0, {self.num_classes}); got an array "
                f"of shape {labels.shape} and dtype {labels.dtype}."
            )
        return labels.astype("int32")

    # ------------------------------------------------------------------- data
    @staticmethod
    def labelled_subset(labels, per_class, seed=0):
        """Indices of `per_class` examples of each class, drawn with `seed`, sorted.

        The paper's "100 labels" and "1000 labels" are 10 and 100 per class of MNIST.
        """
        labels = np.asarray(labels).reshape(-1)
        per_class = count_argument(per_class, "per_class")
        rng = np.random.default_rng(seed)
        chosen = []
        for label in np.unique(labels):
            members = np.flatnonzero(labels == label)
            if len(members) < per_class:
                raise ValueError(
                    f"Class {label} has {len(members)} examples; {per_class} are asked for."
                )
            chosen.append(rng.choice(members, per_class, replace=False))
        return np.sort(np.concatenate(chosen))

    @staticmethod
    def training_arrays(images, labels, labelled, seed=0):
        """`(images, labelled_images, labels)` for `fit`: every image unlabelled, each
        paired with a labelled example.

        Only `labels[labelled]` is used: the labelled examples are repeated in a
        seeded random order to the length of `images`, so every labelled example
        is seen about `len(images) / len(labelled)` times per epoch and no other
        label reaches the model.
        """
        images = np.asarray(images, "float32")
        labelled = np.asarray(labelled)
        if len(labelled) == 0:
            raise ValueError("The labelled subset is empty: pass at least one index.")
        rng = np.random.default_rng(seed)
        repeats = -(-len(images) // len(labelled))
        order = np.concatenate([rng.permutation(labelled) for _ in range(repeats)])[: len(images)]
        known = np.asarray(labels).reshape(-1)[order].astype("int32")
        return images, images[order], known

