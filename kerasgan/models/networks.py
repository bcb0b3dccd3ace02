"""Shared generator/discriminator builders: DCGAN-style convolutions for images, MLPs for
vectors, with the options the variants need (spectral norm, self-attention, batch norm,
minibatch stddev, class conditioning). Variants declare networks by calling these.

Conditioning (`num_classes` set): the generator takes `[latents, labels]` and embeds the
labels into the latent vector (Mirza & Osindero 2014); the discriminator conditions by
`"concat"` (a label map or vector joined to the input), `"projection"` (Miyato &
Koyama 2018: logit = ψ(φ(x)) + embed(y)·φ(x)) or `"auxiliary"` (ACGAN: no label input,
a second head of class logits). Every discriminator names its penultimate features
layer `"features"` (feature matching reads it).
"""

import math

import keras
from keras import layers

from kerasgan.layers.conditional_batch_norm import ConditionalBatchNormalization
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


def _sn(layer, spectral_norm):
    return SpectralNormalization(layer) if spectral_norm else layer


def _check_no_attention(attention, data_shape):
    if attention:
        raise ValueError(
            "Self-attention runs over the positions of an image; data_shape "
            f"{data_shape} is not (height, width, channels)."
        )


def _label_input():
    return keras.Input((), dtype="int32", name="labels")


# ---------------------------------------------------------------------- generator
GENERATOR_NORMS = ("batch", "conditional_batch", "none")


def generator_normalization(norm, labels=None, num_classes=None):
    """The generator's normalization as a function of features (None for "none")."""
    if norm not in GENERATOR_NORMS:
        raise ValueError(f"norm must be one of {GENERATOR_NORMS}; got {norm!r}.")
    if norm == "batch":
        return lambda x: layers.BatchNormalization()(x)
    if norm == "conditional_batch":
        if not num_classes:
            raise ValueError(
                'norm="conditional_batch" learns a scale and shift per class: it '
                "needs num_classes (a conditional generator)."
            )
        return lambda x: ConditionalBatchNormalization(num_classes)([x, labels])
    return None


def _generator_block(x, layer, normalize, spectral_norm):
    x = _sn(layer, spectral_norm)(x)
    if normalize is not None:
        x = normalize(x)
    return layers.LeakyReLU()(x)  # Keras default slope 0.3, as the TF DCGAN tutorial


def conv_generator_body(
    x, image_shape, filters, normalize=None, spectral_norm=False, attention=False
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
    dense = layers.Dense(height * width * width_filters, use_bias=bias)
    x = _generator_block(x, dense, normalize, spectral_norm)
    x = layers.Reshape((height, width, width_filters))(x)
    block_filters = [width_filters // 2] + [
        width_filters // 2 ** (i + 2) for i in range(steps - 1)
    ]
    block_strides = [1] + [2] * (steps - 1)
    for channels, stride in zip(block_filters, block_strides):
        conv = layers.Conv2DTranspose(
            channels, 5, strides=stride, padding="same", use_bias=bias
        )
        x = _generator_block(x, conv, normalize, spectral_norm)
    if attention:
        x = SelfAttention2D(spectral_norm=spectral_norm)(x)
    output = layers.Conv2DTranspose(
        image_shape[-1], 5, strides=2, padding="same", activation="tanh", dtype="float32"
    )
    return _sn(output, spectral_norm)(x)


def mlp_generator_body(x, data_shape, hidden_units, output_activation, spectral_norm):
    """Dense+ReLU blocks, then Dense to the data size, reshaped."""
    for units in hidden_units:
        x = _sn(layers.Dense(units, activation="relu"), spectral_norm)(x)
    output = layers.Dense(math.prod(data_shape), activation=output_activation)
    x = _sn(output, spectral_norm)(x)
    return layers.Reshape(data_shape)(x)


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
):
    """A generator for images (`data_shape` of rank 3: conv net) or vectors (MLP).

    `output_activation` applies to MLPs only ("linear" by default); conv nets end in
    tanh. With `num_classes`, the model takes `[latents, labels]`. `norm` is the conv
    net's normalization after each hidden layer: "batch", "conditional_batch" (a
    scale and shift per class, `ConditionalBatchNormalization`) or "none"; MLPs have
    none.
    """
    data_shape = tuple(data_shape)
    latents = keras.Input((latent_dim,), name="latents")
    inputs, x, labels = latents, latents, None
    if num_classes:
        labels = _label_input()
        embedded = layers.Embedding(num_classes, latent_dim, name="label_embedding")
        x = layers.Concatenate()([latents, embedded(labels)])
        inputs = [latents, labels]
    normalize = generator_normalization(norm, labels, num_classes)
    if len(data_shape) == 3:
        x = conv_generator_body(
            x, data_shape, filters, normalize, spectral_norm, attention
        )
    else:
        _check_no_attention(attention, data_shape)
        x = mlp_generator_body(
            x, data_shape, hidden_units, output_activation or "linear", spectral_norm
        )
    return keras.Model(inputs, x, name="generator")


# ------------------------------------------------------------------ discriminator
def conv_discriminator_body(
    x, image_shape, filters, dropout, spectral_norm=False, attention=False
):
    """Strided Conv → LeakyReLU(0.2) → Dropout blocks; no pooling.

    `attention` adds self-attention after the first block (the largest map).
    """
    steps, _ = upsampling_steps(image_shape)
    for i in range(steps):
        conv = layers.Conv2D(filters * 2**i, 5, strides=2, padding="same")
        x = layers.LeakyReLU(0.2)(_sn(conv, spectral_norm)(x))
        if dropout:
            x = layers.Dropout(dropout)(x)
        if attention and i == 0:
            x = SelfAttention2D(spectral_norm=spectral_norm)(x)
    return x


def mlp_discriminator_body(x, hidden_units, spectral_norm=False):
    """Dense+LeakyReLU(0.2) blocks."""
    for units in hidden_units:
        x = layers.LeakyReLU(0.2)(_sn(layers.Dense(units), spectral_norm)(x))
    return x


def _condition_input(data, labels, data_shape, num_classes):
    """Mirza & Osindero: the label, embedded to one extra channel/feature, joins x."""
    if len(data_shape) == 3:
        height, width = data_shape[:2]
        label_map = layers.Embedding(num_classes, height * width, name="label_map")
        label_map = layers.Reshape((height, width, 1))(label_map(labels))
        return layers.Concatenate()([data, label_map])
    embedded = layers.Embedding(num_classes, 8, name="label_embedding")(labels)
    return layers.Concatenate()([layers.Flatten()(data), embedded])


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
    name="discriminator",
):
    """A discriminator for images (conv net) or vectors (MLP): one logit per example.

    With `num_classes`, `conditioning` picks how labels enter (see the module
    docstring); "concat" and "projection" take `[data, labels]`, "auxiliary" takes
    data only and returns `[logits, class_logits]`.
    """
    data_shape = tuple(data_shape)
    if num_classes and conditioning not in CONDITIONINGS:
        raise ValueError(
            f"conditioning must be one of {CONDITIONINGS}; got {conditioning!r}."
        )
    data = keras.Input(data_shape, name="data")
    inputs, x = data, data
    labels = None
    if num_classes and conditioning != "auxiliary":
        labels = _label_input()
        inputs = [data, labels]
        if conditioning == "concat":
            x = _condition_input(data, labels, data_shape, num_classes)
    if len(data_shape) == 3:
        x = conv_discriminator_body(
            x, data_shape, filters, dropout, spectral_norm, attention
        )
    else:
        _check_no_attention(attention, data_shape)
        x = mlp_discriminator_body(layers.Flatten()(x), hidden_units, spectral_norm)
    if minibatch_stddev:
        x = MinibatchStdDev()(x)
    features = layers.Flatten(name="features")(x)
    logits = _sn(layers.Dense(1, dtype="float32"), spectral_norm)(features)
    if num_classes and conditioning == "projection":
        projection = _projection(features, labels, num_classes)
        logits = layers.Add(dtype="float32")([logits, projection])
    outputs = logits
    if num_classes and conditioning == "auxiliary":
        class_logits = layers.Dense(num_classes, dtype="float32", name="class_logits")
        outputs = [logits, class_logits(features)]
    return keras.Model(inputs, outputs, name=name)


def _projection(features, labels, num_classes):
    """Projection term embed(y)·φ(x) (Miyato & Koyama 2018)."""
    embedding = layers.Embedding(num_classes, features.shape[-1], name="projection")
    return layers.Dot(axes=1, dtype="float32")([embedding(labels), features])


def build_multiscale_discriminator(build, data_shape, scales=2, name="discriminator"):
    """Several discriminators on the image at 1, 1/2, 1/4, ... size; logits averaged.

    `build(shape, name)` returns one discriminator for images of `shape` (e.g.
    `lambda s, name: build_discriminator(s, filters=32, name=name)`). Each scale needs a side that
    `upsampling_steps` accepts (28 → 14 works with 2 scales only for nets that take
    14; 32 and 64 work with 2–3).
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
