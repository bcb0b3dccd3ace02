"""Latent inversion and editing: find the latents of real images, walk and edit them.

- `invert(gan, images, steps=500)`: the latents whose generated images match `images`,
  found by optimising a batch of latents with Adam through the frozen generator
  (`LatentOptimization`, a `keras.Model` whose only trainable variable is the latents,
  trained by `fit()`, so the step is compiled on every backend). The distance is the
  pixel mean squared error, plus (`distance="pixel+perceptual"`) a perceptual term on the
  activations of a shipped domain classifier (the Fashion-MNIST CNN of `zoo/classifiers`).
- `train_encoder(gan)`: a small encoder fitted to map generated images `G(z)` back to
  `z`, whose output starts the optimisation (`start="encoder"`).
- `interpolate(gan, z0, z1, n)`: images along a spherical or linear path.
- `label_latents`, `class_directions`, `edit`: class-centroid directions in latent space
  and images along `z + s·direction`.

docs/apps/inversion.md shows them on the zoo's DCGAN, with a measured table.
"""

import json

import keras
import numpy as np
from keras import ops

from kerasgan import backend
from kerasgan.callbacks.interpolation import interpolate as latent_path
from kerasgan.engine.gan import count_argument
from kerasgan.engine.protocols import LatentToData
from kerasgan.metrics import domain_classifier
from kerasgan.models.adversarial_autoencoder.aae_encoder import AAEEncoder

DISTANCES = ("pixel", "pixel+perceptual")
STARTS = ("random", "encoder")
# Path names of `interpolate`: the usual short names and the callback's long ones.
METHODS = {"slerp": "spherical", "lerp": "linear", "spherical": "spherical",
           "linear": "linear"}


# ----------------------------------------------------------------- validation
def check_latent_model(gan):
    """Refuses a model that does not draw images from latents (Pix2Pix, CycleGAN...)."""
    if not isinstance(gan, LatentToData):
        raise ValueError(
            f"Inversion needs a model that draws data from latents (a GAN, DCGAN, "
            f"WGAN-GP, ...); {type(gan).__name__} has no latent space. Image-to-image "
            "models translate images directly: use model.translate(images)."
        )
    if len(gan.data_shape) != 3:
        raise ValueError(
            f"Inversion works on image models; this one draws {gan.data_shape}-shaped data."
        )


def check_images(gan, images):
    """`images` as float32 `(n,) + gan.data_shape` in [-1, 1], or a ValueError."""
    images = np.asarray(images, "float32")
    shape = tuple(gan.data_shape)
    if images.shape == shape:
        images = images[None]
    if images.ndim != 4 or images.shape[1:] != shape or len(images) == 0:
        raise ValueError(
            f"images must have shape (n, {', '.join(map(str, shape))}) (the model's "
            f"data shape); got {images.shape}. Resize them first, e.g. "
            "kerasgan.data.load_numpy(name, image_size=...)."
        )
    if not np.isfinite(images).all():
        raise ValueError("images hold NaN or infinite values.")
    if images.min() < -1.01 or images.max() > 1.01:
        raise ValueError(
            f"images must lie in [-1, 1] (the generator's range); got values in "
            f"[{images.min():.3g}, {images.max():.3g}]. For uint8 pixels use "
            "images / 127.5 - 1."
        )
    return images


def _positive(value, name):
    if not (isinstance(value, (int, float, np.number)) and value > 0):
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return float(value)


# ------------------------------------------------------------ perceptual term
def check_perceptual(gan, classifier="fashion-mnist"):
    """Refuses a perceptual classifier that cannot read `gan`'s images (reads only
    its config: cheap, before anything is built or optimised)."""
    if isinstance(classifier, keras.Model):
        return
    name = domain_classifier.classifier_name(classifier)
    config = json.loads((domain_classifier.zoo_dir() / name / "config.json").read_text())
    expected = tuple(config["architecture"]["input_shape"])
    if tuple(gan.data_shape) != expected:
        raise ValueError(
            f"The perceptual distance uses the {name} classifier, which reads "
            f"{expected} images; this model draws {tuple(gan.data_shape)}. Use "
            "distance='pixel', or pass feature_network=<a keras.Model of your images>."
        )


def perceptual_network(gan, classifier="fashion-mnist"):
    """The features of the perceptual distance: a shipped domain classifier's activations.

    Args:
        gan: the model whose images are compared (their shape must be the
            classifier's input, 28×28×1).
        classifier: "fashion-mnist" or "mnist" (the CNNs in `zoo/classifiers/`), or a
            `keras.Model` from images in [-1, 1] to a list of feature maps.

    Returns:
        A `keras.Model` from images to the ReLU activations of its three convolutions
        and its 128-d embedding.
    """
    check_perceptual(gan, classifier)
    if isinstance(classifier, keras.Model):
        return classifier
    model, config = domain_classifier.load_classifier(classifier)
    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.ReLU)]
    outputs = [layer.output for layer in layers]
    outputs.append(model.get_layer(domain_classifier.FEATURE_LAYER).output)
    return keras.Model(model.input, outputs, name=f"{config['name']}_features")


def _unit(features):
    # LPIPS-style: compare directions of the channel vectors, so that every layer
    # weighs alike whatever the scale of its activations.
    norm = ops.sqrt(ops.sum(ops.square(features), axis=-1, keepdims=True) + 1e-10)
    return features / norm


def perceptual_distance(features, images, targets):
    """Per-image mean over layers of the squared distance of unit channel vectors."""
    ours, theirs = features(images, training=False), features(targets, training=False)
    per_layer = []
    for a, b in zip(ours, theirs):
        squared = ops.sum(ops.square(_unit(a) - _unit(b)), axis=-1)
        flat = ops.reshape(squared, (ops.shape(squared)[0], -1))
        per_layer.append(ops.mean(flat, axis=-1))
    return ops.mean(ops.stack(per_layer, axis=0), axis=0)


# ------------------------------------------------------- the optimisation model
class LatentOptimization(keras.Model):
    """A batch of latents fitted so that the frozen generator reproduces target images.

    The latents are the model's only trainable variable; the generator's (and the
    perceptual network's) weights are read but never updated, and the targets and labels
    are non-trainable variables, so a `fit()` over `steps` dummy batches runs `steps`
    compiled optimisation steps on every backend (the gradient through
    `kerasgan.backend.value_and_grad`). A transient optimisation: it holds data and is
    not saved (no `get_config`); `invert` builds and runs it.

    Args:
        gan: a `LatentToData` model; its sampling (EMA) generator is inverted.
        targets: float32 `(n,) + data_shape` images in [-1, 1].
        initial_latents: float32 `(n, latent_dim)`, where the optimisation starts.
        labels: int `(n,)` class labels for conditional models, else None.
        feature_network: None (pixel distance only) or a model from images to a list of
            feature maps for the perceptual term.
        perceptual_weight: weight of the perceptual term.
    """

    def __init__(self, gan, targets, initial_latents, labels=None, feature_network=None,
                 perceptual_weight=1.0, **kwargs):
        super().__init__(**kwargs)
        self.draw, _, networks = gan.generation_function(ema=True)
        # Tracked, so that their variables are part of the (JAX) step's state.
        self.frozen_networks = list(networks)
        self.feature_network = feature_network
        self.perceptual_weight = float(perceptual_weight)
        self.latents = self.add_weight(
            shape=initial_latents.shape, name="latents",
            initializer=keras.initializers.Constant(initial_latents),
        )
        self.targets = self.add_weight(
            shape=targets.shape, name="targets", trainable=False,
            initializer=keras.initializers.Constant(targets),
        )
        self.labels = None
        if labels is not None:
            self.labels = self.add_weight(
                shape=labels.shape, name="labels", trainable=False, dtype="int32",
                initializer=keras.initializers.Constant(labels),
            )
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True

    # Only the latents train: the generator keeps its own `trainable` flags (the GAN
    # that owns it is left untouched), and every other variable is state.
    @property
    def trainable_variables(self):
        return [self.latents]

    @property
    def trainable_weights(self):
        return [self.latents]

    @property
    def non_trainable_variables(self):
        every = super().trainable_variables + super().non_trainable_variables
        return [v for v in every if v is not self.latents]

    @property
    def non_trainable_weights(self):
        every = super().trainable_weights + super().non_trainable_weights
        return [v for v in every if v is not self.latents]

    @property
    def metrics(self):
        return [self.loss_tracker]

    def distances(self, latents):
        """Per-image distance of `G(latents)` to the targets."""
        labels = None if self.labels is None else ops.convert_to_tensor(self.labels)
        images = self.draw(latents, labels)
        targets = ops.convert_to_tensor(self.targets)
        pixel = ops.mean(ops.square(images - targets), axis=(1, 2, 3))
        if self.feature_network is None:
            return pixel
        perceptual = perceptual_distance(self.feature_network, images, targets)
        return pixel + self.perceptual_weight * perceptual

    def train_step(self, *args):
        return backend.train_step(self, *args)

    def gan_train_step(self, data):
        del data  # the targets are variables; the batches only count the steps

        def loss_fn():
            return ops.mean(self.distances(ops.convert_to_tensor(self.latents))), ()

        loss, _, gradients = backend.value_and_grad(loss_fn, [self.latents])
        backend.apply_gradients(self.optimizer, gradients, [self.latents])
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


# ------------------------------------------------------------------- encoder
def train_encoder(gan, n=10000, epochs=10, batch_size=128, hidden_units=(512,),
                  seed=0, verbose=0):
    """A small encoder fitted to map generated images back to their latents.

    `n` latents `z` are drawn, `G(z)` generated (conditional models: classes in equal
    shares), and an `AAEEncoder` (an MLP) fitted with `fit()` to predict `z` from
    `G(z)` (mean squared error). Its predictions start `invert(..., start="encoder")`
    near the right latent; on real images it only approximates.

    Args:
        gan: a `LatentToData` image model.
        n: generated pairs to train on.
        epochs: passes over them.
        batch_size: encoder batch size.
        hidden_units: widths of the encoder's hidden layers.
        seed: seed of the latents and of the encoder's initial weights.
        verbose: `fit` verbosity.

    Returns:
        The trained `AAEEncoder`, from images `(n,) + data_shape` to `(n, latent_dim)`.

    Example:

    ```python
    encoder = kerasgan.apps.train_encoder(gan, n=2000, epochs=2)
    z = kerasgan.apps.invert(gan, images, steps=100, start=encoder)
    ```
    """
    check_latent_model(gan)
    n = count_argument(n, "n")
    epochs = count_argument(epochs, "epochs")
    latents = gan.latents_for(n, seed)
    labels = _balanced_labels(gan, n)
    images = gan.generate_from_latents(latents, labels=labels)
    keras.utils.set_random_seed(seed)
    encoder = AAEEncoder(gan.data_shape, gan.latent_dim, hidden_units=hidden_units,
                         name="inversion_encoder")
    encoder.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    encoder.fit(images, latents, batch_size=batch_size, epochs=epochs, verbose=verbose)
    return encoder


def _balanced_labels(gan, n):
    num_classes = getattr(gan, "num_classes", None)
    if not num_classes:
        return None
    return (np.arange(n) % num_classes).astype("int32")


def _encoder_for(gan):
    """The default encoder of `gan`, trained once and kept on the model object."""
    encoder = gan.__dict__.get("_inversion_encoder")
    if encoder is None:
        encoder = train_encoder(gan)
        # Past Keras's attribute tracking: a cache, not a part of the GAN to save.
        object.__setattr__(gan, "_inversion_encoder", encoder)
    return encoder


# ------------------------------------------------------------------- invert
def _initial_latents(gan, images, start, seed):
    n = len(images)
    if isinstance(start, keras.Model):
        latents = np.asarray(start.predict(images, verbose=0), "float32")
    elif isinstance(start, str):
        if start not in STARTS:
            raise ValueError(f"start must be one of {STARTS}, an encoder or an array of "
                             f"latents; got {start!r}.")
        if start == "random":
            return gan.latents_for(n, seed)
        latents = np.asarray(_encoder_for(gan).predict(images, verbose=0), "float32")
    else:
        latents = np.asarray(start, "float32")
    if latents.shape != (n, gan.latent_dim):
        raise ValueError(
            f"start latents must have shape ({n}, {gan.latent_dim}) (one latent per "
            f"image); got {latents.shape}."
        )
    return latents


def invert(gan, images, steps=500, labels=None, start="random",
           distance="pixel+perceptual", learning_rate=0.1, perceptual_weight=1.0,
           feature_network="fashion-mnist", batch_size=256, seed=0, verbose=0):
    """Finds latents `z` whose generated images `G(z)` match `images`.

    Adam optimises a batch of latents through the frozen generator (the EMA generator
    when the model keeps one) for `steps` compiled steps of `fit()`. The generator's
    weights are never changed.

    Args:
        gan: a `LatentToData` image model (`kerasgan.GAN` and its variants).
        images: float32 `(n,) + gan.data_shape` (or one image) in [-1, 1].
        steps: optimisation steps.
        labels: `(n,)` class labels for conditional models (required there);
            None for unconditional ones.
        start: where the latents start: "random" (standard normal from `seed`),
            "encoder" (the prediction of a small encoder trained on `G(z) → z` for
            this model, trained at its first use: `train_encoder`), a trained
            encoder (`keras.Model`), or an array `(n, latent_dim)`.
        distance: "pixel" (mean squared error) or "pixel+perceptual" (plus
            `perceptual_weight` times the distance of the `feature_network`
            activations).
        learning_rate: Adam's learning rate.
        perceptual_weight: weight of the perceptual term.
        feature_network: "fashion-mnist" / "mnist" (the domain classifiers in
            `zoo/classifiers/`: ReLU activations of their 3 convolutions and their
            embedding) or a `keras.Model` from images to a list of feature maps.
        batch_size: images optimised together (one compiled optimisation each).
        seed: seed of the random start.
        verbose: `fit` verbosity.

    Returns:
        float32 NumPy latents `(n, latent_dim)`.

    Example:

    ```python
    gan = kerasgan.zoo.load("dcgan_fashion_mnist")
    z = kerasgan.apps.invert(gan, images, steps=200)
    reconstructions = gan.generate_from_latents(z)
    ```
    """
    check_latent_model(gan)
    images = check_images(gan, images)
    steps = count_argument(steps, "steps")
    batch_size = count_argument(batch_size, "batch_size")
    learning_rate = _positive(learning_rate, "learning_rate")
    if distance not in DISTANCES:
        raise ValueError(f"distance must be one of {DISTANCES}; got {distance!r}.")
    labels = gan.check_labels(labels, len(images))
    perceptual = distance == "pixel+perceptual"
    if perceptual:
        perceptual_weight = _positive(perceptual_weight, "perceptual_weight")
        check_perceptual(gan, feature_network)
    latents = _initial_latents(gan, images, start, seed)
    features = perceptual_network(gan, feature_network) if perceptual else None
    chunks = []
    for first in range(0, len(images), batch_size):
        part = slice(first, first + batch_size)
        chunks.append(_optimise(
            gan, images[part], latents[part],
            None if labels is None else np.asarray(labels[part], "int32"),
            features, perceptual_weight, steps, learning_rate, verbose,
        ))
    return np.concatenate(chunks)


def _optimise(gan, targets, latents, labels, features, perceptual_weight, steps,
              learning_rate, verbose):
    model = LatentOptimization(gan, targets, latents, labels, features, perceptual_weight)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    # One dummy batch per step: the targets live in the model. JAX empties every
    # variable the step reads (the GAN's generator's too) while fit runs: an error
    # must not leave the user's model without weights.
    with backend.variables_kept_on_error(model):
        model.fit(np.zeros((steps, 1), "float32"), batch_size=1, epochs=1,
                  shuffle=False, verbose=verbose)
    return np.asarray(ops.convert_to_numpy(model.latents), "float32")


def reconstruction_errors(gan, images, latents, labels=None):
    """Per-image mean squared error of `G(latents)` against `images` (NumPy `(n,)`)."""
    images = check_images(gan, images)
    generated = gan.generate_from_latents(latents, labels=labels)
    return np.mean(np.square(generated - images), axis=(1, 2, 3))


# ------------------------------------------------------------ walks and edits
def interpolate(gan, z0, z1, n=8, method="slerp", labels=None):
    """Images along a path from latent `z0` to `z1` (both ends included).

    Args:
        gan: a `LatentToData` image model.
        z0, z1: latent vectors `(latent_dim,)` (e.g. two rows of `invert`'s output).
        n: images along the path, at least 2.
        method: "slerp" (spherical, keeps Gaussian latents at a typical norm) or
            "lerp" (linear).
        labels: conditional models: one class for the whole path (an int) or one per
            image.

    Returns:
        float32 NumPy images `(n,) + data_shape` in [-1, 1].
    """
    check_latent_model(gan)
    if method not in METHODS:
        raise ValueError(f"method must be 'slerp' or 'lerp'; got {method!r}.")
    z0, z1 = (_latent_vector(gan, z, name) for z, name in ((z0, "z0"), (z1, "z1")))
    path = latent_path(z0, z1, count_argument(n, "n"), METHODS[method])
    return gan.generate_from_latents(path, labels=_per_image(labels, len(path)))


def _latent_vector(gan, z, name):
    z = np.asarray(z, "float32")
    if z.shape != (gan.latent_dim,):
        raise ValueError(f"{name} must be one latent of shape ({gan.latent_dim},); "
                         f"got {z.shape}.")
    return z


def _per_image(labels, n):
    if labels is None:
        return None
    labels = np.asarray(labels, "int32")
    return np.full((n,), int(labels), "int32") if labels.ndim == 0 else labels


def label_latents(gan, n=2000, seed=0, classifier="fashion-mnist"):
    """Random latents and the class the domain classifier sees in their images.

    Returns:
        `(latents, labels)`: float32 `(n, latent_dim)` and int32 `(n,)`.
    """
    check_latent_model(gan)
    latents = gan.latents_for(count_argument(n, "n"), seed)
    images = gan.generate_from_latents(latents, labels=_balanced_labels(gan, n))
    model, _ = domain_classifier.load_classifier(classifier)
    logits = model.predict(images, batch_size=256, verbose=0)
    return latents, np.argmax(logits, axis=-1).astype("int32")


def class_directions(latents, labels, num_classes=None):
    """Class-centroid directions: the mean latent of each class minus the mean of all.

    Editing `z + s·(d[b] - d[a])` moves a latent from class a towards class b.

    Args:
        latents: `(n, latent_dim)` latents (from `invert` on labelled real images, or
            `label_latents`).
        labels: `(n,)` integer classes.
        num_classes: number of classes (default: the largest label + 1).

    Returns:
        float32 `(num_classes, latent_dim)`; a class without latents gets zeros.
    """
    latents = np.asarray(latents, "float32")
    labels = np.asarray(labels).astype("int64").reshape(-1)
    if latents.ndim != 2 or len(latents) != len(labels) or len(labels) == 0:
        raise ValueError(
            f"latents (n, latent_dim) and labels (n,) must match; got {latents.shape} "
            f"and {labels.shape}."
        )
    num_classes = int(num_classes or labels.max() + 1)
    mean = latents.mean(axis=0)
    directions = np.zeros((num_classes, latents.shape[1]), "float32")
    for k in range(num_classes):
        if np.any(labels == k):
            directions[k] = latents[labels == k].mean(axis=0) - mean
    return directions


def edit(gan, z, direction, strengths, labels=None):
    """Images of `z + s·direction` for each strength `s`.

    Args:
        gan: a `LatentToData` image model.
        z: latents `(n, latent_dim)` (or one latent).
        direction: a latent direction `(latent_dim,)` (e.g. from `class_directions`).
        strengths: the multipliers `s`, e.g. `[0, 0.5, 1, 1.5]`.
        labels: conditional models: `(n,)` classes of the latents.

    Returns:
        float32 images `(n, len(strengths)) + data_shape`: row i edits `z[i]`.
    """
    check_latent_model(gan)
    z = np.asarray(z, "float32")
    z = z[None] if z.ndim == 1 else z
    direction = _latent_vector(gan, direction, "direction")
    strengths = np.asarray(strengths, "float32").reshape(-1)
    if z.ndim != 2 or z.shape[1] != gan.latent_dim or len(strengths) == 0:
        raise ValueError(f"edit needs latents (n, {gan.latent_dim}) and at least one "
                         f"strength; got {z.shape} and {strengths.shape}.")
    edited = z[:, None, :] + strengths[None, :, None] * direction
    flat = edited.reshape(-1, gan.latent_dim)
    if labels is not None:
        labels = np.repeat(np.asarray(labels, "int32").reshape(-1), len(strengths))
    images = gan.generate_from_latents(flat, labels=labels)
    return images.reshape((len(z), len(strengths)) + images.shape[1:])


# ------------------------------------------------------------------ files
def read_images(source, data_shape):
    """Images for `invert` from a file: a `.npy` array, an image file or a folder.

    A `.npy` array `(n, h, w, c)` is taken as is when float (it must lie in [-1, 1])
    and scaled from [0, 255] when uint8; image files are fitted to `data_shape`
    (cover and crop) and scaled to [-1, 1].
    """
    import pathlib

    from kerasgan.translate_images import input_paths
    from kerasgan.data.folder import decode_image

    source = pathlib.Path(source)
    if source.suffix.lower() == ".npy":
        if not source.is_file():
            raise ValueError(f"{source} does not exist.")
        array = np.load(source)
        if array.dtype == np.uint8:
            return array.astype("float32") / 127.5 - 1.0
        return np.asarray(array, "float32")
    height, width, channels = data_shape
    return np.stack([
        decode_image(str(path), (height, width), channels).astype("float32") / 127.5 - 1.0
        for path in input_paths(source)
    ])


def save_comparison(originals, reconstructions, path, scale=2):
    """A PNG: originals in the first row(s), their reconstructions below, 8 a row."""
    from kerasgan.utils.images import image_grid
    from kerasgan.utils.images import save_png

    rows = []
    for first in range(0, len(originals), 8):
        rows += [_padded_row(originals[first:first + 8]),
                 _padded_row(reconstructions[first:first + 8])]
    return save_png(image_grid(np.concatenate(rows), columns=8), path, scale=scale)


def _padded_row(images, columns=8):
    # A short last row is filled with black (-1) images so that pairs stay aligned.
    missing = columns - len(images)
    pad = np.full((missing,) + images.shape[1:], -1.0, "float32")
    return np.concatenate([images, pad]) if missing else images
