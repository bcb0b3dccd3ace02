"""The networks of the variants: DCGAN-style convolutional nets for images, MLPs for
vectors, with the options the variants need (spectral norm, self-attention, batch norm,
minibatch stddev, class conditioning).

Each network is a named, registered class in the keras-hub style: its constructor
builds a functional graph from plain arguments, `get_config()` returns exactly those
arguments and `from_config` rebuilds it with `cls(**config)`, so a saved model names
`kerasgan>ConvGenerator` (say) and its arguments instead of a list of anonymous layers:

- `ConvGenerator` / `ConvDiscriminator`: DCGAN-style images nets;
- `MLPGenerator` / `MLPDiscriminator`: multilayer perceptrons for any data shape;
- `MultiScaleDiscriminator`: `ConvDiscriminator`s on the image at several scales.

`build_generator` / `build_discriminator` pick the conv or the MLP class from the rank
of `data_shape` (the variants declare their networks through them).

Conditioning (`num_classes` set): the generator takes `[latents, labels]` and embeds the
labels into the latent vector (Mirza & Osindero 2014); the discriminator conditions by
`"concat"` (a label map or vector joined to the input), `"projection"` (Miyato &
Koyama 2018: logit = ψ(φ(x)) + embed(y)·φ(x)) or `"auxiliary"` (ACGAN: no label input,
a second head of class logits). Every discriminator names its penultimate features
layer `"features"` (feature matching reads it).

The layers are built in the same order, of the same classes, as the anonymous
functional models of kerasgan 0.1, so weight files written then (the zoo's
`model.weights.h5`, whose variables are stored by layer class and position) load
unchanged.
"""

import math

import keras
from keras import layers

from kerasgan.layers.conditional_batch_norm import ConditionalBatchNormalization
from kerasgan.layers.sync_batch_norm import SyncBatchNormalization
from kerasgan.layers.minibatch_stddev import MinibatchStdDev
from kerasgan.layers.self_attention import SelfAttention2D
from kerasgan.layers.spectral_normalization import SpectralNormalization

CONDITIONINGS = ("concat", "projection", "auxiliary")


def upsampling_steps(image_shape):
    """How many ×2 stages take a small seed map (4 to 7 px) to the image size."""
    height, width = image_shape[:2]
    steps = 0
    while height % 2 == 0 and width % 2 == 0 and min(height, width) // 2 >= 4:
        height, width, steps = height // 2, width // 2, steps + 1
    if steps < 2 or max(height, width) > 7:
        raise ValueError(
            f"DCGAN-style nets support image sides of the form s·2^k with s in 4..7 and "
            f"k ≥ 2 (e.g. 28, 32, 64, 128); got image_shape={tuple(image_shape)}. "
            "Resize the images, e.g. with kerasgan.data.load(..., image_size=32)."
        )
    return steps, (height, width)


def _sn(layer, spectral_norm, dtype=None):
    return SpectralNormalization(layer, dtype=dtype) if spectral_norm else layer


def _check_no_attention(attention, data_shape):
    if attention:
        raise ValueError(
            "Self-attention runs over the positions of an image; data_shape "
            f"{data_shape} is not (height, width, channels)."
        )


def _label_input():
    return keras.Input((), dtype="int32", name="labels")


def _shape(data_shape):
    return tuple(int(d) for d in data_shape)


def _image_shape(data_shape, network):
    data_shape = _shape(data_shape)
    if len(data_shape) != 3:
        raise ValueError(
            f"{network} builds images: data_shape must be (height, width, channels); "
            f"got {data_shape}. Vectors take the MLP networks."
        )
    return data_shape


def _num_classes(num_classes):
    if num_classes is None:
        return None
    if int(num_classes) < 2:
        raise ValueError(f"num_classes must be at least 2 (or None); got {num_classes}.")
    return int(num_classes)


def _policy(dtype):
    """The layers' dtype policy: None (the global policy) or the one given."""
    return None if dtype is None else keras.dtype_policies.get(dtype)


class _NetworkConfig:
    """The config keys every network has; a subclass's `get_config` returns
    `{**self._base_config(), <its arguments>}` and `from_config` calls it with them."""

    def _base_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Network(_NetworkConfig, keras.Model):
    """What every network class shares: keras-hub's functional-subclass pattern.

    A subclass's `__init__` builds the graph, calls `_init_functional`, then stores
    its arguments; its `get_config` returns `{**self._base_config(), <arguments>}`.
    """

    def _init_functional(self, inputs, outputs, dtype, **kwargs):
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # Functional ignores `dtype`; the layers got it, the model records it.
        if dtype is not None:
            self.dtype_policy = keras.dtype_policies.get(dtype)


class SubclassedGenerator(_NetworkConfig, keras.Model):
    """A generator from `(batch, latent_dim)` latents to `(batch, *data_shape)` images
    written as a subclassed model, not a functional `Network`.

    For generators called with more than z (StyleGAN2's synthesis network from ws,
    ProGAN's stage and fade-in α): Keras turns every subclass of a class built
    functionally into a functional class. A subclass sets `latent_dim` and
    `data_shape`; this gives the shapes Keras asks of a model and the config keys.
    """

    @property
    def output_shape(self):
        return (None,) + tuple(self.data_shape)

    @property
    def input_shape(self):
        return (None, self.latent_dim)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(self.data_shape)


# ---------------------------------------------------------------------- generator
GENERATOR_NORMS = ("batch", "sync_batch", "conditional_batch", "none")


def _check_norm(norm, num_classes):
    if norm not in GENERATOR_NORMS:
        raise ValueError(f"norm must be one of {GENERATOR_NORMS}; got {norm!r}.")
    if norm == "conditional_batch" and not num_classes:
        raise ValueError(
            'norm="conditional_batch" learns a scale and shift per class: it '
            "needs num_classes (a conditional generator)."
        )


def generator_normalization(norm, labels=None, num_classes=None, dtype=None):
    """The generator's normalization as a function of features (None for "none")."""
    _check_norm(norm, num_classes)
    if norm == "batch":
        return lambda x: layers.BatchNormalization(dtype=dtype)(x)
    if norm == "sync_batch":  # statistics over every device's rows (data parallel)
        return lambda x: SyncBatchNormalization(dtype=dtype)(x)
    if norm == "conditional_batch":
        return lambda x: ConditionalBatchNormalization(num_classes, dtype=dtype)(
            [x, labels]
        )
    return None


def _generator_block(x, layer, normalize, spectral_norm, dtype=None):
    x = _sn(layer, spectral_norm, dtype)(x)
    if normalize is not None:
        x = normalize(x)
    # Keras's default slope 0.3, as in the TensorFlow DCGAN tutorial.
    return layers.LeakyReLU(dtype=dtype)(x)


def conv_generator_body(
    x,
    image_shape,
    filters,
    normalize=None,
    spectral_norm=False,
    attention=False,
    dtype=None,
):
    """Dense → reshape, a stride-1 ConvT block, stride-2 ConvT blocks, tanh output.

    With 28×28×1, `filters=64` and batch norm as `normalize` (see
    `generator_normalization`), this is DCGAN's reference net:
    Dense(7·7·256) → ConvT(128, s1) → ConvT(64, s2) → ConvT(1, s2, tanh), kernels 5.
    `attention` adds self-attention before the output convolution (the largest map).
    """
    steps, (height, width) = upsampling_steps(image_shape)
    width_filters = filters * 2**steps
    # A normalization's shift makes the bias redundant.
    bias = normalize is None
    dense = layers.Dense(height * width * width_filters, use_bias=bias, dtype=dtype)
    x = _generator_block(x, dense, normalize, spectral_norm, dtype)
    x = layers.Reshape((height, width, width_filters), dtype=dtype)(x)
    block_filters = [width_filters // 2] + [
        width_filters // 2 ** (i + 2) for i in range(steps - 1)
    ]
    block_strides = [1] + [2] * (steps - 1)
    for channels, stride in zip(block_filters, block_strides):
        conv = layers.Conv2DTranspose(
            channels, 5, strides=stride, padding="same", use_bias=bias, dtype=dtype
        )
        x = _generator_block(x, conv, normalize, spectral_norm, dtype)
    if attention:
        x = SelfAttention2D(spectral_norm=spectral_norm, dtype=dtype)(x)
    output = layers.Conv2DTranspose(
        image_shape[-1], 5, strides=2, padding="same", activation="tanh", dtype="float32"
    )
    return _sn(output, spectral_norm, "float32")(x)


def mlp_generator_body(
    x, data_shape, hidden_units, output_activation, spectral_norm, dtype=None
):
    """Dense+ReLU blocks, then Dense to the data size, reshaped."""
    for units in hidden_units:
        dense = layers.Dense(units, activation="relu", dtype=dtype)
        x = _sn(dense, spectral_norm, dtype)(x)
    output = layers.Dense(
        math.prod(data_shape), activation=output_activation, dtype=dtype
    )
    x = _sn(output, spectral_norm, dtype)(x)
    return layers.Reshape(data_shape, dtype=dtype)(x)


def _generator_inputs(latent_dim, num_classes, dtype):
    """`(inputs, x, labels)`: latents, or `[latents, labels]` with the label embedded."""
    latents = keras.Input((latent_dim,), name="latents")
    if not num_classes:
        return latents, latents, None
    labels = _label_input()
    embedded = layers.Embedding(
        num_classes, latent_dim, name="label_embedding", dtype=dtype
    )
    x = layers.Concatenate(dtype=dtype)([latents, embedded(labels)])
    return [latents, labels], x, labels


@keras.saving.register_keras_serializable(package="kerasgan")
class ConvGenerator(Network):
    """A DCGAN-style convolutional generator, from latents to images in [-1, 1].

    Dense → reshape to a small seed map (4 to 7 px a side), a stride-1 transposed
    convolution block, stride-2 transposed convolution blocks up to the image size
    (each block: ConvT with kernel 5, normalization, LeakyReLU(0.3)), and a tanh
    transposed convolution to the image's channels. With `data_shape=(28, 28, 1)`,
    `filters=64` and `norm="batch"` this is DCGAN's reference net: Dense(7·7·256) →
    ConvT(128, s1) → ConvT(64, s2) → ConvT(1, s2, tanh).

    With `num_classes`, the generator takes `[latents, labels]` (labels integers of
    shape `(batch,)`) and joins an embedding of the label to the latent vector.

    `get_config()` returns exactly the constructor's arguments; the class is
    registered as `"kerasgan>ConvGenerator"`.

    Args:
        latent_dim: size of the latent vector.
        data_shape: `(height, width, channels)`; sides of the form s·2^k with s in
            4..7 and k ≥ 2 (28, 32, 64, 128, ...).
        filters: filters of the last hidden block; each earlier block doubles them.
        norm: normalization after each hidden layer: `"batch"`, `"sync_batch"`
            (`kerasgan.layers.SyncBatchNormalization`: the global batch's statistics
            in data-parallel training, docs/distributed.md),
            `"conditional_batch"` (a scale and shift per class,
            `kerasgan.layers.ConditionalBatchNormalization`; needs `num_classes`) or
            `"none"`. A normalization replaces the layers' biases.
        spectral_norm: wrap every Dense and convolution in
            `kerasgan.layers.SpectralNormalization`.
        attention: add a `kerasgan.layers.SelfAttention2D` block before the output
            convolution (on the largest feature map).
        num_classes: number of classes of a conditional generator, or None.
        name: the model's name.
        dtype: dtype policy of the hidden layers (None: the global policy); the
            output layer computes in float32.
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    generator = kerasgan.models.networks.ConvGenerator(
        latent_dim=100, data_shape=(28, 28, 1), filters=64
    )
    images = generator(keras.random.normal((16, 100)))  # (16, 28, 28, 1)

    # Its config is its arguments; it rebuilds the same network.
    clone = kerasgan.models.networks.ConvGenerator.from_config(generator.get_config())
    ```
    """

    def __init__(
        self,
        latent_dim,
        data_shape,
        filters=64,
        norm="batch",
        spectral_norm=False,
        attention=False,
        num_classes=None,
        name="generator",
        dtype=None,
        **kwargs,
    ):
        latent_dim = int(latent_dim)
        data_shape = _image_shape(data_shape, type(self).__name__)
        num_classes = _num_classes(num_classes)
        policy = _policy(dtype)
        inputs, x, labels = _generator_inputs(latent_dim, num_classes, policy)
        normalize = generator_normalization(norm, labels, num_classes, policy)
        outputs = conv_generator_body(
            x, data_shape, int(filters), normalize, bool(spectral_norm), bool(attention),
            policy,
        )
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.latent_dim = latent_dim
        self.data_shape = data_shape
        self.filters = int(filters)
        self.norm = norm
        self.spectral_norm = bool(spectral_norm)
        self.attention = bool(attention)
        self.num_classes = num_classes

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "filters": self.filters,
            "norm": self.norm,
            "spectral_norm": self.spectral_norm,
            "attention": self.attention,
            "num_classes": self.num_classes,
        }


@keras.saving.register_keras_serializable(package="kerasgan")
class MLPGenerator(Network):
    """A multilayer-perceptron generator, from latents to data of any shape.

    Dense+ReLU hidden layers, then a Dense layer to the data's size with
    `output_activation`, reshaped to `data_shape`: the networks of the original GAN
    (Goodfellow et al. 2014) and of the toy 2-D mixtures.

    With `num_classes`, the generator takes `[latents, labels]` and joins an
    embedding of the label to the latent vector.

    `get_config()` returns exactly the constructor's arguments; the class is
    registered as `"kerasgan>MLPGenerator"`.

    Args:
        latent_dim: size of the latent vector.
        data_shape: shape of one example, e.g. `(2,)` or `(28, 28, 1)`.
        hidden_units: widths of the hidden layers.
        output_activation: the last activation: `"linear"` for unbounded data,
            `"tanh"` for data in [-1, 1].
        spectral_norm: wrap every Dense layer in
            `kerasgan.layers.SpectralNormalization`.
        num_classes: number of classes of a conditional generator, or None.
        name: the model's name.
        dtype: dtype policy of the layers (None: the global policy).
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    generator = kerasgan.models.networks.MLPGenerator(
        latent_dim=16, data_shape=(2,), hidden_units=(128, 128)
    )
    points = generator(keras.random.normal((64, 16)))  # (64, 2)
    ```
    """

    def __init__(
        self,
        latent_dim,
        data_shape,
        hidden_units=(128, 128),
        output_activation="linear",
        spectral_norm=False,
        num_classes=None,
        name="generator",
        dtype=None,
        **kwargs,
    ):
        latent_dim = int(latent_dim)
        data_shape = _shape(data_shape)
        hidden_units = tuple(int(u) for u in hidden_units)
        num_classes = _num_classes(num_classes)
        policy = _policy(dtype)
        inputs, x, _ = _generator_inputs(latent_dim, num_classes, policy)
        outputs = mlp_generator_body(
            x, data_shape, hidden_units, output_activation, bool(spectral_norm), policy
        )
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.latent_dim = latent_dim
        self.data_shape = data_shape
        self.hidden_units = hidden_units
        self.output_activation = output_activation
        self.spectral_norm = bool(spectral_norm)
        self.num_classes = num_classes

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "hidden_units": self.hidden_units,
            "output_activation": self.output_activation,
            "spectral_norm": self.spectral_norm,
            "num_classes": self.num_classes,
        }


def build_generator(
    latent_dim,
    data_shape,
    filters=64,
    hidden_units=(128, 128),
    output_activation=None,
    norm="batch",
    spectral_norm=False,
    attention=False,
    num_classes=None,
    name="generator",
):
    """A generator for images (`data_shape` of rank 3: `ConvGenerator`) or other
    data (`MLPGenerator`).

    `output_activation` applies to MLPs only ("linear" by default); conv nets end in
    tanh. With `num_classes`, the model takes `[latents, labels]`. `norm` is the conv
    net's normalization after each hidden layer: "batch", "sync_batch", "conditional_batch" (a
    scale and shift per class, `ConditionalBatchNormalization`) or "none"; MLPs have
    none (the value is still checked).
    """
    data_shape = _shape(data_shape)
    if len(data_shape) == 3:
        return ConvGenerator(
            latent_dim,
            data_shape,
            filters=filters,
            norm=norm,
            spectral_norm=spectral_norm,
            attention=attention,
            num_classes=num_classes,
            name=name,
        )
    _check_norm(norm, num_classes)
    _check_no_attention(attention, data_shape)
    return MLPGenerator(
        latent_dim,
        data_shape,
        hidden_units=hidden_units,
        output_activation=output_activation or "linear",
        spectral_norm=spectral_norm,
        num_classes=num_classes,
        name=name,
    )


# ------------------------------------------------------------------ discriminator
def conv_discriminator_body(
    x, image_shape, filters, dropout, spectral_norm=False, attention=False, dtype=None,
    batch_norm=False,
):
    """Strided Conv → LeakyReLU(0.2) → Dropout blocks; no pooling.

    `attention` adds self-attention after the first block (the largest map);
    `batch_norm` a BatchNormalization after every convolution but the first (DCGAN's
    discriminator, and the WGAN paper's critic).
    """
    steps, _ = upsampling_steps(image_shape)
    for i in range(steps):
        conv = layers.Conv2D(filters * 2**i, 5, strides=2, padding="same", dtype=dtype)
        x = _sn(conv, spectral_norm, dtype)(x)
        if batch_norm and i > 0:
            x = layers.BatchNormalization(dtype=dtype)(x)
        x = layers.LeakyReLU(0.2, dtype=dtype)(x)
        if dropout:
            x = layers.Dropout(dropout, dtype=dtype)(x)
        if attention and i == 0:
            x = SelfAttention2D(spectral_norm=spectral_norm, dtype=dtype)(x)
    return x


def mlp_discriminator_body(x, hidden_units, spectral_norm=False, dtype=None):
    """Dense+LeakyReLU(0.2) blocks."""
    for units in hidden_units:
        dense = _sn(layers.Dense(units, dtype=dtype), spectral_norm, dtype)
        x = layers.LeakyReLU(0.2, dtype=dtype)(dense(x))
    return x


def _condition_input(data, labels, data_shape, num_classes, dtype=None):
    """Mirza & Osindero: the label, embedded to one extra channel/feature, joins x."""
    if len(data_shape) == 3:
        height, width = data_shape[:2]
        label_map = layers.Embedding(
            num_classes, height * width, name="label_map", dtype=dtype
        )
        label_map = layers.Reshape((height, width, 1), dtype=dtype)(label_map(labels))
        return layers.Concatenate(dtype=dtype)([data, label_map])
    embedded = layers.Embedding(num_classes, 8, name="label_embedding", dtype=dtype)
    flat = layers.Flatten(dtype=dtype)(data)
    return layers.Concatenate(dtype=dtype)([flat, embedded(labels)])


def _projection(features, labels, num_classes, dtype=None):
    """Projection term embed(y)·φ(x) (Miyato & Koyama 2018)."""
    embedding = layers.Embedding(
        num_classes, features.shape[-1], name="projection", dtype=dtype
    )
    return layers.Dot(axes=1, dtype="float32")([embedding(labels), features])


def _check_conditioning(conditioning):
    if conditioning not in CONDITIONINGS:
        raise ValueError(
            f"conditioning must be one of {CONDITIONINGS}; got {conditioning!r}."
        )


def _discriminator_graph(
    data_shape, body, num_classes, conditioning, minibatch_stddev, spectral_norm, dtype
):
    """`(inputs, outputs)` of a discriminator whose hidden layers `body(x)` builds.

    Inputs: `data`, or `[data, labels]` for "concat" and "projection"; outputs: one
    logit per example, or `[logits, class_logits]` for "auxiliary".
    """
    data = keras.Input(data_shape, name="data")
    inputs, x, labels = data, data, None
    if num_classes and conditioning != "auxiliary":
        labels = _label_input()
        inputs = [data, labels]
        if conditioning == "concat":
            x = _condition_input(data, labels, data_shape, num_classes, dtype)
    x = body(x)
    if minibatch_stddev:
        x = MinibatchStdDev(dtype=dtype)(x)
    features = layers.Flatten(name="features", dtype=dtype)(x)
    logits = _sn(layers.Dense(1, dtype="float32"), spectral_norm, "float32")(features)
    if num_classes and conditioning == "projection":
        projection = _projection(features, labels, num_classes, dtype)
        logits = layers.Add(dtype="float32")([logits, projection])
    if num_classes and conditioning == "auxiliary":
        class_logits = layers.Dense(num_classes, dtype="float32", name="class_logits")
        return inputs, [logits, class_logits(features)]
    return inputs, logits


@keras.saving.register_keras_serializable(package="kerasgan")
class ConvDiscriminator(Network):
    """A DCGAN-style convolutional discriminator: one logit per image.

    Strided convolution blocks (Conv with kernel 5 and stride 2, LeakyReLU(0.2),
    dropout), no pooling, each block doubling the filters, down to a 4-to-7-px map;
    then the layer `"features"` (flattened) and a Dense logit. With
    `data_shape=(28, 28, 1)`, `filters=64` and `dropout=0.3` this is DCGAN's reference
    discriminator: Conv(64) → Conv(128) → Dense(1).

    With `num_classes`, `conditioning` picks how labels enter: `"concat"` (an
    embedded label map joins the image as an extra channel) and `"projection"`
    (`logit + embed(y)·features`) take `[images, labels]`; `"auxiliary"` (ACGAN)
    takes images only and returns `[logits, class_logits]`.

    `get_config()` returns exactly the constructor's arguments; the class is
    registered as `"kerasgan>ConvDiscriminator"`.

    Args:
        data_shape: `(height, width, channels)`; sides of the form s·2^k with s in
            4..7 and k ≥ 2 (28, 32, 64, 128, ...).
        filters: filters of the first block; each later block doubles them.
        dropout: dropout rate after each block (0: none).
        spectral_norm: wrap every convolution and Dense in
            `kerasgan.layers.SpectralNormalization`.
        attention: add a `kerasgan.layers.SelfAttention2D` block after the first
            block (on the largest feature map).
        minibatch_stddev: add a `kerasgan.layers.MinibatchStdDev` channel before
            the features.
        num_classes: number of classes of a conditional discriminator, or None.
        conditioning: `"concat"`, `"projection"` or `"auxiliary"` (used with
            `num_classes`).
        batch_norm: a BatchNormalization after every convolution but the first
            (the WGAN paper's critic). Real and generated batches pass through D
            separately, so each is normalised by its own statistics.
        name: the model's name.
        dtype: dtype policy of the hidden layers (None: the global policy); the
            logits are computed in float32.
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    discriminator = kerasgan.models.networks.ConvDiscriminator(
        data_shape=(28, 28, 1), filters=64, dropout=0.3
    )
    logits = discriminator(images)  # (batch, 1)

    projection = kerasgan.models.networks.ConvDiscriminator(
        data_shape=(32, 32, 3), num_classes=10, conditioning="projection",
        spectral_norm=True,
    )
    logits = projection([images, labels])
    ```
    """

    def __init__(
        self,
        data_shape,
        filters=64,
        dropout=0.0,
        spectral_norm=False,
        attention=False,
        minibatch_stddev=False,
        num_classes=None,
        conditioning="concat",
        batch_norm=False,
        name="discriminator",
        dtype=None,
        **kwargs,
    ):
        data_shape = _image_shape(data_shape, type(self).__name__)
        num_classes = _num_classes(num_classes)
        _check_conditioning(conditioning)
        filters, dropout = int(filters), float(dropout)
        spectral_norm, attention = bool(spectral_norm), bool(attention)
        batch_norm = bool(batch_norm)
        policy = _policy(dtype)

        def body(x):
            return conv_discriminator_body(
                x, data_shape, filters, dropout, spectral_norm, attention, policy,
                batch_norm=batch_norm,
            )

        inputs, outputs = _discriminator_graph(
            data_shape, body, num_classes, conditioning, bool(minibatch_stddev),
            spectral_norm, policy,
        )
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape = data_shape
        self.filters = filters
        self.dropout = dropout
        self.spectral_norm = spectral_norm
        self.attention = attention
        self.minibatch_stddev = bool(minibatch_stddev)
        self.num_classes = num_classes
        self.conditioning = conditioning
        self.batch_norm = batch_norm

    def get_config(self):
        return {
            **self._base_config(),
            "data_shape": self.data_shape,
            "filters": self.filters,
            "dropout": self.dropout,
            "spectral_norm": self.spectral_norm,
            "attention": self.attention,
            "minibatch_stddev": self.minibatch_stddev,
            "num_classes": self.num_classes,
            "conditioning": self.conditioning,
            "batch_norm": self.batch_norm,
        }


@keras.saving.register_keras_serializable(package="kerasgan")
class MLPDiscriminator(Network):
    """A multilayer-perceptron discriminator: one logit per example.

    Flattens the data, then Dense+LeakyReLU(0.2) hidden layers, the layer
    `"features"` and a Dense logit: the discriminator of the original GAN and of
    the toy 2-D mixtures.

    With `num_classes`, `conditioning` picks how labels enter: `"concat"` (an
    8-dimensional label embedding joins the flattened data) and `"projection"` take
    `[data, labels]`; `"auxiliary"` takes data only and returns
    `[logits, class_logits]`.

    `get_config()` returns exactly the constructor's arguments; the class is
    registered as `"kerasgan>MLPDiscriminator"`.

    Args:
        data_shape: shape of one example, e.g. `(2,)` or `(28, 28, 1)`.
        hidden_units: widths of the hidden layers.
        spectral_norm: wrap every Dense layer in
            `kerasgan.layers.SpectralNormalization`.
        minibatch_stddev: add a `kerasgan.layers.MinibatchStdDev` feature before
            the features.
        num_classes: number of classes of a conditional discriminator, or None.
        conditioning: `"concat"`, `"projection"` or `"auxiliary"` (used with
            `num_classes`).
        name: the model's name.
        dtype: dtype policy of the hidden layers (None: the global policy); the
            logits are computed in float32.
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    discriminator = kerasgan.models.networks.MLPDiscriminator(
        data_shape=(2,), hidden_units=(128, 128)
    )
    logits = discriminator(points)  # (batch, 1)
    ```
    """

    def __init__(
        self,
        data_shape,
        hidden_units=(128, 128),
        spectral_norm=False,
        minibatch_stddev=False,
        num_classes=None,
        conditioning="concat",
        name="discriminator",
        dtype=None,
        **kwargs,
    ):
        data_shape = _shape(data_shape)
        hidden_units = tuple(int(u) for u in hidden_units)
        num_classes = _num_classes(num_classes)
        _check_conditioning(conditioning)
        spectral_norm = bool(spectral_norm)
        policy = _policy(dtype)

        def body(x):
            x = layers.Flatten(dtype=policy)(x)
            return mlp_discriminator_body(x, hidden_units, spectral_norm, policy)

        inputs, outputs = _discriminator_graph(
            data_shape, body, num_classes, conditioning, bool(minibatch_stddev),
            spectral_norm, policy,
        )
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape = data_shape
        self.hidden_units = hidden_units
        self.spectral_norm = spectral_norm
        self.minibatch_stddev = bool(minibatch_stddev)
        self.num_classes = num_classes
        self.conditioning = conditioning

    def get_config(self):
        return {
            **self._base_config(),
            "data_shape": self.data_shape,
            "hidden_units": self.hidden_units,
            "spectral_norm": self.spectral_norm,
            "minibatch_stddev": self.minibatch_stddev,
            "num_classes": self.num_classes,
            "conditioning": self.conditioning,
        }


def build_discriminator(
    data_shape,
    filters=64,
    hidden_units=(128, 128),
    dropout=0.0,
    spectral_norm=False,
    attention=False,
    minibatch_stddev=False,
    num_classes=None,
    conditioning="concat",
    batch_norm=False,
    name="discriminator",
):
    """A discriminator for images (`ConvDiscriminator`) or other data
    (`MLPDiscriminator`): one logit per example.

    With `num_classes`, `conditioning` picks how labels enter (see the module
    docstring); "concat" and "projection" take `[data, labels]`, "auxiliary" takes
    data only and returns `[logits, class_logits]`. `dropout` applies to conv nets
    only, `batch_norm` too (an error for other data).
    """
    data_shape = _shape(data_shape)
    if len(data_shape) == 3:
        return ConvDiscriminator(
            data_shape,
            filters=filters,
            dropout=dropout,
            spectral_norm=spectral_norm,
            attention=attention,
            minibatch_stddev=minibatch_stddev,
            num_classes=num_classes,
            conditioning=conditioning,
            batch_norm=batch_norm,
            name=name,
        )
    _check_no_attention(attention, data_shape)
    if batch_norm:
        raise ValueError(
            "batch_norm in the discriminator is for images (a ConvDiscriminator); "
            f"data_shape {data_shape} is not (height, width, channels). Leave it False."
        )
    return MLPDiscriminator(
        data_shape,
        hidden_units=hidden_units,
        spectral_norm=spectral_norm,
        minibatch_stddev=minibatch_stddev,
        num_classes=num_classes,
        conditioning=conditioning,
        name=name,
    )


# The ConvDiscriminator arguments a MultiScaleDiscriminator sets itself.
_SCALE_RESERVED = ("data_shape", "name", "dtype", "num_classes", "conditioning")


@keras.saving.register_keras_serializable(package="kerasgan")
class MultiScaleDiscriminator(Network):
    """`ConvDiscriminator`s on the image at 1, 1/2, 1/4, ... size; logits averaged.

    Scale `i` sees the image average-pooled `i` times by 2 and is a
    `ConvDiscriminator` named `f"{name}_scale{i}"` built with `scale_options`; the
    output is the mean of the scales' logits (pix2pixHD's multi-scale
    discriminator, with DCGAN-style nets). Each scale needs a side that
    `ConvDiscriminator` accepts: 32 and 64 work with 2 or 3 scales, 28 (→ 14) with
    none beyond the first.

    `get_config()` returns exactly the constructor's arguments; the class is
    registered as `"kerasgan>MultiScaleDiscriminator"`. For scales built by a
    function of your own, see `build_multiscale_discriminator`.

    Args:
        data_shape: `(height, width, channels)` of the full-size images.
        scales: number of scales (1 is a single `ConvDiscriminator`).
        scale_options: `ConvDiscriminator` arguments of every scale, e.g.
            `{"filters": 32, "spectral_norm": True}` (not `data_shape`, `name`,
            `dtype`: set here; unconditional only).
        name: the model's name.
        dtype: dtype policy of the scales' hidden layers (None: the global policy).
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    discriminator = kerasgan.models.networks.MultiScaleDiscriminator(
        data_shape=(64, 64, 3), scales=3, scale_options={"filters": 32}
    )
    gan = kerasgan.GAN(generator, discriminator, latent_dim=128)
    ```
    """

    def __init__(
        self,
        data_shape,
        scales=2,
        scale_options=None,
        name="discriminator",
        dtype=None,
        **kwargs,
    ):
        data_shape = _image_shape(data_shape, type(self).__name__)
        scales = int(scales)
        if scales < 1:
            raise ValueError(f"scales must be a positive integer; got {scales}.")
        scale_options = dict(scale_options or {})
        reserved = sorted(set(scale_options) & set(_SCALE_RESERVED))
        if reserved:
            raise ValueError(
                f"scale_options cannot set {reserved}: MultiScaleDiscriminator sets "
                "the scales' shapes, names and dtype, and its scales are unconditional."
            )
        policy = _policy(dtype)
        images = keras.Input(data_shape, name="data")
        logits, x = [], images
        for scale in range(scales):
            if scale:
                x = layers.AveragePooling2D(2, dtype=policy)(x)
            network = ConvDiscriminator(
                tuple(x.shape[1:]), name=f"{name}_scale{scale}", dtype=dtype,
                **scale_options,
            )
            logits.append(network(x))
        combined = layers.Average(dtype="float32")(logits) if scales > 1 else logits[0]
        self._init_functional(images, combined, dtype, name=name, **kwargs)
        self.data_shape = data_shape
        self.scales = scales
        self.scale_options = scale_options

    def get_config(self):
        return {
            **self._base_config(),
            "data_shape": self.data_shape,
            "scales": self.scales,
            "scale_options": dict(self.scale_options),
        }


def build_multiscale_discriminator(build, data_shape, scales=2, name="discriminator"):
    """Several discriminators of your own on the image at 1, 1/2, 1/4, ... size;
    logits averaged.

    `build(shape, name)` returns one discriminator for images of `shape` (e.g.
    `lambda s, name: build_discriminator(s, filters=32, name=name)`). Each scale needs
    a side its network accepts (`ConvDiscriminator`: 28 → 14 works with 1 scale
    only; 32 and 64 work with 2–3). The result is an anonymous functional model
    whose config lists its layers; `MultiScaleDiscriminator` is the registered class
    for `ConvDiscriminator` scales.
    """
    images = keras.Input(tuple(data_shape), name="data")
    logits, x = [], images
    for scale in range(scales):
        if scale:
            x = layers.AveragePooling2D(2)(x)
        network = build(tuple(x.shape[1:]), f"{name}_scale{scale}")
        logits.append(network(x))
    combined = layers.Average(dtype="float32")(logits) if scales > 1 else logits[0]
    return keras.Model(images, combined, name=name)
