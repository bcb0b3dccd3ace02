"""SRGAN's generator: SRResNet (Ledig et al. 2017, Figure 4)."""

import math

import keras
from keras import layers

from kerasgan.layers.bicubic_upsample import BicubicUpsample
from kerasgan.layers.pixel_shuffle import PixelShuffle
from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

UPSAMPLE_FACTOR = 2  # each sub-pixel block doubles the sides


def check_scale(scale):
    """The upscaling factor as an int: a power of two ≥ 2 (2, 4, 8, ...)."""
    if isinstance(scale, bool) or int(scale) != scale or not (
        scale >= 2 and image_blocks.is_power_of_two(int(scale))
    ):
        raise ValueError(
            f"scale must be a power of two ≥ 2 (2, 4, 8): SRResNet upsamples with "
            f"×2 sub-pixel blocks; got {scale!r}."
        )
    return int(scale)


def prelu(dtype=None):
    """PReLU with one learned slope per channel, as the paper's (and any image size)."""
    return layers.PReLU(shared_axes=[1, 2], dtype=dtype)


def conv_bn(x, filters, dtype=None, batch_norm=True):
    """A 3×3 convolution (no bias) and batch norm; without batch norm, a 3×3
    convolution with a bias (EDSR's blocks)."""
    if not batch_norm:
        return image_blocks.conv(filters, 3, dtype=dtype)(x)
    conv = image_blocks.conv(filters, 3, use_bias=False, dtype=dtype)
    return image_blocks.normalized(x, conv, "batch", dtype)


def residual_block(x, filters, dtype=None, batch_norm=True):
    """conv3-BN-PReLU-conv3-BN, added to the block's input."""
    skip = x
    x = prelu(dtype)(conv_bn(x, filters, dtype, batch_norm))
    x = conv_bn(x, filters, dtype, batch_norm)
    return layers.Add(dtype=dtype)([skip, x])


def subpixel_block(x, filters, dtype=None):
    """×2: conv3 to 4·filters channels, PixelShuffle(2), PReLU (Shi et al. 2016)."""
    x = image_blocks.conv(filters * UPSAMPLE_FACTOR**2, 3, dtype=dtype)(x)
    x = PixelShuffle(UPSAMPLE_FACTOR, dtype=dtype)(x)
    return prelu(dtype)(x)


@keras.saving.register_keras_serializable(package="kerasgan")
class SRResNetGenerator(Network):
    """SRResNet: residual blocks at low resolution, then sub-pixel upsampling.

    A 9×9 convolution with PReLU; `residual_blocks` blocks conv3-BN-PReLU-conv3-BN
    with identity skips; conv3-BN added to the first convolution's output (the long
    skip); log2(`scale`) blocks conv3 → PixelShuffle(2) → PReLU; a 9×9 convolution
    to `output_channels` (Ledig et al. 2017, Figure 4). All the work but the last
    blocks happens at low resolution.

    The output is `tanh`: images in [-1, 1], the range of every kerasgan image and
    of the high-resolution images the paper scales to [-1, 1] (§3.2), so an
    upscaled image never leaves the range `translate()` promises and the
    discriminator never sees values no real image has.

    Weights start from N(0, 0.02) (the paper does not say; the reference
    implementations use it).

    Two options depart from the paper (both off by default): `batch_norm=False`
    drops batch norm from the blocks and the long skip (EDSR, Lim et al. 2017,
    https://arxiv.org/abs/1707.02921), and `bicubic_skip=True` adds the network's
    output to the bicubic enlargement of its input (VDSR's global residual, Kim et
    al. 2016, https://arxiv.org/abs/1511.04587) and clips it to [-1, 1] instead of
    the tanh: the network then learns only the detail bicubic misses (its last
    convolution starts at zero, so the untrained network is bicubic).

    Args:
        low_res_shape: `(height, width, channels)` of the low-resolution input.
        scale: the upscaling factor, a power of two ≥ 2.
        filters: filters of every convolution at low resolution (64 in the paper).
        residual_blocks: number of residual blocks (16 in the paper).
        output_channels: channels of the output; default the input's.
        batch_norm: batch norm in the residual blocks and the long skip (the
            paper's); False: convolutions with biases instead (EDSR).
        bicubic_skip: add the output to the bicubic upscaled input and clip to
            [-1, 1] (VDSR) instead of the paper's tanh; needs `output_channels`
            equal to the input's.
        name, dtype, **kwargs: `keras.Model` arguments.

    Returns:
        A model from `(batch, h, w, c)` to `(batch, h·scale, w·scale,
        output_channels)`.

    Example:

    ```python
    g = kerasgan.models.SRResNetGenerator((8, 8, 1), scale=4, residual_blocks=2)
    g(np.zeros((2, 8, 8, 1), "float32")).shape  # (2, 32, 32, 1)
    ```

    Paper: https://arxiv.org/abs/1609.04802
    """

    def __init__(self, low_res_shape, scale=4, filters=64, residual_blocks=16,
                 output_channels=None, batch_norm=True, bicubic_skip=False,
                 name="generator", dtype=None, **kwargs):
        low_res_shape = image_blocks.image_shape(low_res_shape, "low_res_shape")
        scale = check_scale(scale)
        output_channels = int(output_channels or low_res_shape[-1])
        if bicubic_skip and output_channels != low_res_shape[-1]:
            raise ValueError(
                f"bicubic_skip=True adds the output to the upscaled input: "
                f"output_channels must be the input's {low_res_shape[-1]}; got "
                f"{output_channels}. Leave output_channels None or bicubic_skip False."
            )
        residual_blocks = image_blocks.block_count(residual_blocks)
        # Fully convolutional: trained on patches, it upscales images of any size
        # (the held-out photographs); `low_res_shape` gives the channels and the
        # training size.
        inputs = keras.Input((None, None, low_res_shape[-1]), name="low_res")
        x = image_blocks.conv(filters, 9, dtype=dtype)(inputs)
        x = long_skip = prelu(dtype)(x)
        for _ in range(int(residual_blocks)):
            x = residual_block(x, filters, dtype, batch_norm)
        x = layers.Add(dtype=dtype)([long_skip, conv_bn(x, filters, dtype, batch_norm)])
        for _ in range(int(math.log2(scale))):
            x = subpixel_block(x, filters, dtype)
        last = image_blocks.conv(output_channels, 9, dtype="float32")
        if bicubic_skip:
            # Zero-initialised, so the untrained network IS bicubic: N(0, 0.02)
            # over 9·9·filters inputs would add noise of about the images' range.
            last.kernel_initializer = keras.initializers.Zeros()
        x = last(x)
        if bicubic_skip:
            upscaled = BicubicUpsample(scale, dtype="float32")(inputs)
            x = layers.Add(dtype="float32")([upscaled, x])
        outputs = layers.Activation("hard_tanh" if bicubic_skip else "tanh",
                                    dtype="float32")(x)
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.low_res_shape, self.scale = low_res_shape, scale
        self.filters, self.residual_blocks = int(filters), int(residual_blocks)
        self.output_channels = output_channels
        self.batch_norm, self.bicubic_skip = bool(batch_norm), bool(bicubic_skip)

    def get_config(self):
        return {**self._base_config(), "low_res_shape": self.low_res_shape,
                "scale": self.scale, "filters": self.filters,
                "residual_blocks": self.residual_blocks,
                "output_channels": self.output_channels,
                "batch_norm": self.batch_norm, "bicubic_skip": self.bicubic_skip}
