"""Building blocks the image-to-image networks share (Pix2Pix, CycleGAN, SRGAN).

Weights start from N(0, 0.02) as in the pix2pix and CycleGAN reference code;
`normalization(kind)` gives batch norm (Pix2Pix, SRGAN), instance norm (CycleGAN) or
nothing.
"""

import math

import keras
from keras import layers

NORMS = ("batch", "instance", "none")


def init():
    """The papers' weight initialisation: N(0, 0.02)."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def check_norm(norm):
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}; got {norm!r}.")
    return norm


def normalization(norm, dtype=None):
    """A normalization layer of kind `norm`, or None for "none".

    Instance norm is `GroupNormalization` with one group per channel: statistics
    per image and channel, as `torch.nn.InstanceNorm2d` in the CycleGAN code.
    """
    if norm == "batch":
        return layers.BatchNormalization(momentum=0.9, epsilon=1e-5, dtype=dtype)
    if norm == "instance":
        return layers.GroupNormalization(groups=-1, epsilon=1e-5, dtype=dtype)
    return None


def conv(filters, kernel, strides=1, use_bias=True, dtype=None, padding="same"):
    return layers.Conv2D(
        filters, kernel, strides=strides, padding=padding, use_bias=use_bias,
        kernel_initializer=init(), dtype=dtype,
    )


def conv_transpose(filters, kernel, strides=2, use_bias=True, dtype=None):
    return layers.Conv2DTranspose(
        filters, kernel, strides=strides, padding="same", use_bias=use_bias,
        kernel_initializer=init(), dtype=dtype,
    )


def normalized(x, layer, norm, dtype=None):
    """`layer(x)` followed by the normalization `norm` (if any)."""
    x = layer(x)
    normalize = normalization(norm, dtype)
    return x if normalize is None else normalize(x)


def block_count(value, name="residual_blocks"):
    """`value` as an int when it is a whole number ≥ 0; a ValueError otherwise."""
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise ValueError(f"{name} must be an integer ≥ 0; got {value!r}.")
    return int(value)


def halvings(image_shape, limit):
    """How many times both sides of `image_shape` halve exactly, at most `limit`."""
    height, width = image_shape[:2]
    count = 0
    while count < limit and height % 2 == 0 and width % 2 == 0 and min(height, width) > 1:
        height, width, count = height // 2, width // 2, count + 1
    return count


def halving_layers(requested, image_shape, limit, name, minimum=1, default=None):
    """How many stride-2 layers to build: `requested`, checked against the image.

    A network can halve its input only as often as both sides halve exactly, and
    its paper caps that at `limit`. `requested=None` gives `default` (or, without
    one, every halving the image allows).

    Raises:
        ValueError: naming `name`, the allowed range and the image size, when
            `requested` is not a whole number in `[minimum, possible]`.
    """
    possible = halvings(image_shape, limit)
    count = requested
    if requested is None:
        count = possible if default is None else default
    if isinstance(count, bool) or int(count) != count or not minimum <= count <= possible:
        raise ValueError(
            f"{name} must be a whole number between {minimum} and {possible} for images "
            f"of {image_shape[0]}×{image_shape[1]} px (the number of times both sides "
            f"halve exactly, at most {limit}); got {requested!r}."
        )
    return int(count)


def image_shape(shape, what):
    shape = tuple(int(d) for d in shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"{what} must be (height, width, channels); got {shape}.")
    return shape


def is_power_of_two(n):
    return n >= 1 and 2 ** int(round(math.log2(n))) == n
