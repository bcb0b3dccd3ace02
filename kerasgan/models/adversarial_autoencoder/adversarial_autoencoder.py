"""The adversarial autoencoder: an autoencoder whose codes are matched to a prior."""

import keras
import numpy as np
from keras import ops

from kerasgan import losses
from kerasgan.engine import inference
from kerasgan.engine.data_spec import DataSpec
from kerasgan.engine.gan import count_argument
from kerasgan.engine.model import AdversarialModel
from kerasgan.engine.phase import Phase
from kerasgan.engine.protocols import LatentToData
from kerasgan.models.adversarial_autoencoder import priors as priors_lib
from kerasgan.models.adversarial_autoencoder.aae_encoder import AAEEncoder
from kerasgan.models.adversarial_autoencoder.latent_discriminator import LatentDiscriminator
from kerasgan.models.networks import MLPGenerator


def reconstruction_adam():
    """The reconstruction phase's optimizer: Adam(1e-3)."""
    return keras.optimizers.Adam(1e-3)


def adversarial_adam():
    """A latent discriminator's optimizer: Adam(1e-4, β1=0.5)."""
    return keras.optimizers.Adam(1e-4, beta_1=0.5)


def encoder_adam():
    """The regularization phase's optimizer (the encoder as generator): Adam(1e-3,
    β1=0.5). On Fashion-MNIST with 2-D codes a discriminator at DCGAN's 2e-4 with
    the encoder at 2e-4 or 5e-4 won within a few epochs (its loss towards 0, the
    encoder's growing without bound): the reconstruction phase, at 1e-3, spreads the
    codes faster than the regularization pulls them back."""
    return keras.optimizers.Adam(1e-3, beta_1=0.5)


@keras.saving.register_keras_serializable(package="kerasgan")
class AdversarialAutoencoder(AdversarialModel, LatentToData):
    """Adversarial autoencoder (Makhzani et al. 2016): codes matched to a prior by a GAN.

    Three networks: an `encoder` (data → code), a `decoder` (code → data) and a
    `discriminator` on codes. Each train step runs the paper's phases (§2):

    1. `reconstruction`: encoder and decoder minimise the mean squared error of
       `decoder(encoder(x))` to `x` (optimizer `"ae"`);
    2. `latent_discriminator`: the discriminator learns to tell codes drawn from
       the prior (real) from the encoder's codes (fake) (optimizer `"d"`);
    3. `regularization`: the encoder, as the generator, learns to fool it
       (optimizer `"g"`).

    So the aggregated posterior q(z) = E_x q(z|x) is pushed towards the prior and
    the decoder becomes a generator: `generate` decodes prior samples.

    A phase updates the batch-norm statistics of the networks it trains and of no
    other: the discriminator phase runs the encoder in training mode (batch
    statistics, as the regularization phase sees its codes) but leaves the
    encoder's moving averages where they were.

    With `num_classes` (a mixture or swiss-roll prior with that many components)
    it is the paper's supervised variant (§2.3, Fig. 4): it trains on `(images,
    labels)`, the prior sample an encoded image is matched with comes from the
    component of its label, and the discriminator sees the label as a one-hot
    vector beside the code. `generate(n, labels=...)` then draws a class.

    Args:
        data_shape: shape of one example (`(28, 28, 1)`; any shape: the networks
            are MLPs, as in the paper).
        latent_dim: size of the code.
        prior: `"gaussian"`, `"mixture"` (10 2-D Gaussians), `"swiss_roll"`, or a
            `priors.Prior`. The mixture and the swiss roll need an even latent_dim.
        num_classes: None, or the number of labels steering the prior's
            components (the supervised variant).
        hidden_units: hidden widths of the encoder and decoder (the paper's MNIST
            nets: (1000, 1000)).
        d_hidden_units: hidden widths of the discriminator ((1000, 1000)).
        batch_norm: batch-normalize the encoder's hidden layers.
        output_activation: the decoder's last activation (`"tanh"` for images in
            [-1, 1]).
        loss: the adversarial loss of the regularization phases, a name or a
            `kerasgan.losses.AdversarialLoss` (`"non_saturating"`).
        seed, ema_decay, **kwargs: `kerasgan.engine.AdversarialModel` arguments
            (an EMA averages the encoder and decoder).

    Example:

    ```python
    aae = kerasgan.models.AdversarialAutoencoder(data_shape=(28, 28, 1), latent_dim=8,
                                                 prior="gaussian")
    aae.compile()                 # Adam for the three phases (see default_optimizers)
    aae.fit(images, batch_size=100, epochs=1)
    z = aae.encode(images[:16]); x = aae.decode(z)
    samples = aae.generate(16, seed=0)
    ```

    Paper: https://arxiv.org/abs/1511.05644
    """

    default_ema_networks = ("encoder", "decoder")
    sampling_networks = ("decoder",)  # generate() decodes prior samples

    def __init__(self, data_shape=(28, 28, 1), latent_dim=8, prior="gaussian",
                 num_classes=None, hidden_units=(1000, 1000), d_hidden_units=(1000, 1000),
                 batch_norm=False, output_activation="tanh", loss="non_saturating",
                 seed=None, **kwargs):
        self.data_shape = tuple(int(d) for d in data_shape)
        self.latent_dim = count_argument(latent_dim, "latent_dim")
        self.prior = priors_lib.get(prior)
        self.prior.check_latent_dim(self.latent_dim)
        self.num_classes = self._checked_num_classes(num_classes)
        self.hidden_units = tuple(int(u) for u in hidden_units)
        self.d_hidden_units = tuple(int(u) for u in d_hidden_units)
        self.batch_norm, self.output_activation = bool(batch_norm), output_activation
        super().__init__(self.build_networks(), seed=seed, **kwargs)
        self.adversarial_loss = losses.get(loss)

    def _checked_num_classes(self, num_classes):
        if num_classes is None:
            return None
        num_classes = count_argument(num_classes, "num_classes")
        if not self.prior.has_components:
            raise ValueError(
                f"num_classes={num_classes}: labels steer the component of a mixture or "
                f"swiss-roll prior, and the {self.prior.name!r} prior has none. Use "
                "prior='mixture' or 'swiss_roll', or drop num_classes."
            )
        if num_classes != self.prior.components:
            raise ValueError(
                f"num_classes={num_classes}, but the {self.prior.name} prior has "
                f"{self.prior.components} components: each label steers one component. "
                f"Pass prior=priors.{type(self.prior).__name__}(components={num_classes})."
            )
        return num_classes

    def build_networks(self):
        """`{"encoder": ..., "decoder": ..., "discriminator": ...}`."""
        return {
            "encoder": AAEEncoder(self.data_shape, self.latent_dim, self.hidden_units,
                                  self.batch_norm),
            "decoder": MLPGenerator(self.latent_dim, self.data_shape, self.hidden_units,
                                    self.output_activation, name="decoder"),
            "discriminator": LatentDiscriminator(self.latent_dim, self.d_hidden_units,
                                                 self.num_classes),
        }

    # ------------------------------------------------------------ declarations
    def data_spec(self):
        """`(images, labels)`: labels required by the supervised variant, else ignored."""
        return (
            DataSpec("images", self.data_shape),
            DataSpec("labels", (), kind="label", required=self.num_classes is not None,
                     num_classes=self.num_classes),
        )

    def default_optimizers(self):
        """Adam: 1e-3 for the reconstruction, 1e-4 (β1=0.5) for the discriminator,
        1e-3 (β1=0.5) for the encoder's regularization (see `encoder_adam`). The paper trains with SGD and
        momentum."""
        return {"ae": reconstruction_adam(), "d": adversarial_adam(), "g": encoder_adam()}

    def run_optimizers(self, total_steps):
        """The optimizers of a `kerasgan.training` run: the defaults."""
        del total_steps
        return self.default_optimizers()

    def phases(self):
        return [
            Phase("reconstruction", self.reconstruction_loss, ("encoder", "decoder"), "ae",
                  logs=("reconstruction",)),
            Phase("latent_discriminator", self.discriminator_loss, "discriminator", "d",
                  logs=("d_loss", "d_real", "d_fake")),
            Phase("regularization", self.regularization_loss, "encoder", "g",
                  logs=("g_loss",)),
        ]

    # ------------------------------------------------------------------ losses
    def reconstruction_loss(self, images, labels):
        reconstructed = self.decoder(self.encoder(images, training=True), training=True)
        error = ops.mean(ops.square(ops.cast(reconstructed, "float32") - images))
        return error, {"reconstruction": error}

    def discriminator_loss(self, images, labels):
        fake = ops.stop_gradient(self.encode_keeping_statistics(images))
        # Unsupervised: labels in the data (if any) do not steer the prior.
        components = labels if self.num_classes else None
        real = self.prior.sample_tensor(ops.shape(images)[0], self.latent_dim,
                                        self.seed_generator, components=components)
        real_logits, fake_logits = self.discriminate(real, labels), self.discriminate(fake, labels)
        loss = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
        return loss, {"d_loss": loss,
                      "d_real": ops.mean(self.adversarial_loss.score(real_logits)),
                      "d_fake": ops.mean(self.adversarial_loss.score(fake_logits))}

    def regularization_loss(self, images, labels):
        logits = self.discriminate(self.encoder(images, training=True), labels)
        loss = self.adversarial_loss.generator_loss(logits)
        return loss, {"g_loss": loss}

    def discriminate(self, codes, labels, network=None):
        network = network or self.discriminator
        inputs = codes if network.num_classes is None else [codes, labels]
        return network(inputs, training=True)

    def encode_keeping_statistics(self, images):
        """The encoder in training mode (batch statistics), its moving averages kept.

        For a phase that does not train the encoder: its codes are normalized as
        the training phases' are, and the statistics stay the training phases'.
        """
        kept = [(v, ops.copy(v.value)) for v in self.encoder.non_trainable_variables]
        codes = self.encoder(images, training=True)
        for variable, value in kept:
            variable.assign(value)
        return codes

    # ---------------------------------------------------------------- inference
    def call(self, images, training=False):
        """Reconstructs images: `decoder(encoder(images))`."""
        return self.decoder(self.encoder(images, training=training), training=training)

    def inference_network(self, name):
        """The network inference uses: its EMA copy when the model keeps one."""
        average = getattr(self, f"ema_{name}", None)
        return average if average is not None else self.network(name)

    def _run(self, name, function, x, batch_size):
        """`function` (inference mode, on tensors) over `x` in batches, NumPy; compiled
        once per batch shape and cached as `name` (`kerasgan.engine.inference`)."""
        batch_size = count_argument(batch_size, "batch_size")
        return inference.run_batches(self, (name, self.ema_network_names), function, [x],
                                     batch_size)

    def _checked(self, x, shape, what):
        x = np.asarray(x, "float32")
        if x.ndim < 1 or tuple(x.shape[1:]) != tuple(shape) or len(x) == 0:
            raise ValueError(
                f"{type(self).__name__}.{what} takes a batch of shape (n,) + {tuple(shape)}; "
                f"got an array of shape {x.shape}."
            )
        return x

    def encode(self, images, batch_size=256):
        """The codes of `images` (NumPy, in [-1, 1]), inference mode: `(n, latent_dim)`."""
        images = self._checked(images, self.data_shape, "encode")
        network = self.inference_network("encoder")
        return self._run("encode", lambda x: network(x, training=False), images, batch_size)

    def decode(self, codes, batch_size=256):
        """The images of `codes` (NumPy `(n, latent_dim)`), inference mode."""
        codes = self._checked(codes, (self.code_size,), "decode")
        network = self.inference_network("decoder")
        return self._run("decode", lambda z: network(z, training=False), codes, batch_size)

    def generation_inputs(self):
        """`generate_from_latents`'s input: codes `(code_size,)`."""
        return [("codes", (self.code_size,), "float32")]

    def generation_function(self, ema=True):
        """Codes → images with the decoder (its EMA copy when kept and `ema`)."""
        network = self.inference_network("decoder") if ema else self.network("decoder")
        return (lambda z: network(z, training=False)), self.generation_inputs(), [network]

    @property
    def code_size(self):
        """The size of the decoder's input (`latent_dim`)."""
        return self.latent_dim

    def reconstruct(self, images, batch_size=256):
        """`decode(encode(images))`."""
        return self.decode(self.encode(images, batch_size), batch_size)

    def generate(self, n, seed=None, labels=None, batch_size=256):
        """Decodes `n` codes drawn from the prior with NumPy from `seed`.

        Args:
            n: number of samples.
            seed: integer seed; the same seed gives the same samples on every backend.
            labels: for a prior with components (mixture, swiss roll), the component
                of each sample, `(n,)` ints; None draws them at random.
            batch_size: decoder batch size.

        Returns:
            A float32 NumPy array of shape `(n,) + data_shape`.
        """
        return self.generate_from_latents(self.latents_for(n, seed, labels), batch_size=batch_size)

    def latents_for(self, n, seed=None, labels=None):
        """The prior samples `generate(n, seed, labels)` decodes, `(n, latent_dim)`."""
        n = count_argument(n, "n")
        labels = self.check_labels(labels, n)
        return self.prior.sample(n, self.latent_dim, seed, components=labels)

    def generate_from_latents(self, latents, labels=None, batch_size=256):
        """Decodes given codes; with `labels`, each code first moves to the same place
        in its label's component (`Prior.move_to_components`), so that latents drawn
        without labels (sample grids, metrics, latent walks) are drawn per class."""
        labels = self.check_labels(labels, len(latents))
        if labels is not None:
            latents = self.prior.move_to_components(latents, labels)
        return self.decode(latents, batch_size)

    def check_labels(self, labels, n):
        """`labels` as int32 components, or None; a ValueError for wrong ones."""
        if labels is None:
            return None
        if not self.prior.has_components:
            raise ValueError(
                f"The {self.prior.name} prior has no components for labels to choose: "
                "call generate() without labels."
            )
        labels = np.asarray(labels)
        components = self.prior.components
        if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer) or (
            labels.min() < 0 or labels.max() >= components
        ):
            raise ValueError(
                f"labels must be {n} integers in [0, {components}) (one component per "
                f"sample); got an array of shape {labels.shape} and dtype {labels.dtype}."
            )
        return labels.astype("int32")

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "latent_dim": self.latent_dim, "prior": priors_lib.serialize(self.prior),
                "num_classes": self.num_classes, "hidden_units": self.hidden_units,
                "d_hidden_units": self.d_hidden_units, "batch_norm": self.batch_norm,
                "output_activation": self.output_activation,
                "loss": keras.saving.serialize_keras_object(self.adversarial_loss)}
