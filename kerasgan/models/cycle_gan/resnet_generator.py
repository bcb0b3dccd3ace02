"""CycleGAN's ResNet generator (Johnson et al. 2016's architecture, Zhu et al. 2017)."""

import keras
from keras import layers

from kerasgan.layers.reflection_padding import ReflectionPadding2D
from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

DOWNSAMPLINGS = 2  # two stride-2 convolutions: the residual blocks see 1/4 of each side
LARGE_IMAGE = 128  # the paper: 6 blocks for 128×128 images, 9 for 256×256 and larger


def default_residual_blocks(data_shape):
    """6 residual blocks for images up to 128 px, 9 for larger ones (the paper's)."""
    return 6 if max(data_shape[:2]) <= LARGE_IMAGE else 9


def check_image_size(data_shape):
    """Both sides must be multiples of 4 and at least 8 px.

    Two stride-2 convolutions and two ×2 transposed convolutions give back the input
    size only for multiples of 4; the residual blocks' reflection padding of 1 needs
    at least 2 px at a quarter of the size.
    """
    height, width = data_shape[:2]
    factor = 2**DOWNSAMPLINGS
    if height % factor or width % factor or min(height, width) < 2 * factor:
        raise ValueError(
            f"The ResNet generator takes images whose sides are multiples of {factor} "
            f"and at least {2 * factor} px (e.g. 28, 32, 64, 256); got "
            f"{height}×{width}. Resize the images, e.g. kerasgan.data.load(..., "
            "image_size=32)."
        )


def reflect_conv(x, filters, kernel, norm, dtype=None):
    """A stride-1 convolution on the reflection-padded input (no zero border)."""
    x = ReflectionPadding2D(kernel // 2, dtype=dtype)(x)
    # A bias is redundant before a normalization that re-centres each channel.
    layer = image_blocks.conv(filters, kernel, 1, norm == "none", dtype, padding="valid")
    return image_blocks.normalized(x, layer, norm, dtype)


def residual_block(x, filters, norm, dtype=None):
    """x + [reflect-pad, conv 3×3, norm, ReLU, reflect-pad, conv 3×3, norm](x)."""
    y = reflect_conv(x, filters, 3, norm, dtype)
    y = layers.ReLU(dtype=dtype)(y)
    y = reflect_conv(y, filters, 3, norm, dtype)
    return layers.Add(dtype=dtype)([x, y])


@keras.saving.register_keras_serializable(package="kerasgan")
class ResNetGenerator(Network):
    """The generator of CycleGAN: down-sample, residual blocks, up-sample.

    `c7s1-64, d128, d256, R256 × residual_blocks, u128, u64, c7s1-channels` (Zhu et
    al. 2017, Appendix 7.2): a 7×7 convolution on the reflection-padded image, two
    3×3 stride-2 convolutions, residual blocks of two 3×3 convolutions with
    reflection padding, two 3×3 stride-2 transposed convolutions and a 7×7
    convolution with tanh. Each convolution but the last is followed by the
    normalization (instance norm in the paper) and a ReLU. Weights start from
    N(0, 0.02) as in the reference code.

    Args:
        data_shape: `(height, width, channels)` of the input images; the sides must
            be multiples of 4 and at least 8 px.
        output_channels: channels of the output images; default the input's.
        filters: filters of the first layer (64 in the paper); the down-sampling
            layers double them twice.
        residual_blocks: None for the paper's choice (6 up to 128 px, 9 above).
        norm: `"instance"` (the paper), `"batch"` or `"none"`.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    g = kerasgan.models.ResNetGenerator((32, 32, 1), filters=16, residual_blocks=2)
    g(np.zeros((2, 32, 32, 1), "float32")).shape  # (2, 32, 32, 1)
    ```

    Paper: https://arxiv.org/abs/1703.10593
    """

    def __init__(self, data_shape, output_channels=None, filters=64, residual_blocks=None,
                 norm="instance", name="generator", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        check_image_size(data_shape)
        image_blocks.check_norm(norm)
        output_channels = int(output_channels or data_shape[-1])
        blocks = image_blocks.block_count(
            default_residual_blocks(data_shape) if residual_blocks is None else residual_blocks
        )
        inputs = keras.Input(data_shape, name="image")
        x = layers.ReLU(dtype=dtype)(reflect_conv(inputs, filters, 7, norm, dtype))
        for level in range(1, DOWNSAMPLINGS + 1):
            layer = image_blocks.conv(filters * 2**level, 3, 2, norm == "none", dtype)
            x = layers.ReLU(dtype=dtype)(image_blocks.normalized(x, layer, norm, dtype))
        for _ in range(int(blocks)):
            x = residual_block(x, filters * 2**DOWNSAMPLINGS, norm, dtype)
        for level in reversed(range(DOWNSAMPLINGS)):
            layer = image_blocks.conv_transpose(
                filters * 2**level, 3, 2, norm == "none", dtype
            )
            x = layers.ReLU(dtype=dtype)(image_blocks.normalized(x, layer, norm, dtype))
        x = ReflectionPadding2D(3, dtype=dtype)(x)
        # The output layer runs in float32 under mixed precision: images, not features.
        x = image_blocks.conv(output_channels, 7, 1, dtype="float32", padding="valid")(x)
        outputs = layers.Activation("tanh", dtype="float32")(x)
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape, self.output_channels = data_shape, output_channels
        self.filters, self.residual_blocks, self.norm = int(filters), int(blocks), norm

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "output_channels": self.output_channels, "filters": self.filters,
                "residual_blocks": self.residual_blocks, "norm": self.norm}
