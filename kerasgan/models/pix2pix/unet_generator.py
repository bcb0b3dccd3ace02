"""Pix2Pix's U-Net generator."""

import keras
from keras import layers

from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

MAX_DEPTH = 8  # 256 px → a 1×1 bottleneck, as in the paper


@keras.saving.register_keras_serializable(package="kerasgan")
class UNetGenerator(Network):
    """The U-Net of Pix2Pix: an encoder-decoder with skip connections between mirrored layers.

    Encoder: `depth` 4×4 stride-2 convolutions (C64-C128-C256-C512-C512-...; no
    normalization on the first, LeakyReLU(0.2)); decoder: 4×4 stride-2 transposed
    convolutions with ReLU, each joined to the mirrored encoder layer's output, and
    a tanh transposed convolution to `output_channels`. The first three decoder
    layers use dropout, the paper's only source of noise (Isola et al. 2017, §3.1).
    Pix2Pix also kept dropout at test time; here `translate()` runs the generator
    in inference mode, so a translation is deterministic and the same on every
    backend.

    `depth` defaults to the number of times the sides halve exactly, at most 8: a
    1×1 bottleneck for 32, 64 and 256 px, 7×7 for 28 px.

    Args:
        data_shape: `(height, width, channels)` of the source images.
        output_channels: channels of the generated images.
        filters: filters of the first layer; each later one doubles them, up to 8×.
        depth: number of down-sampling layers; None as above.
        dropout: dropout rate of the first three decoder layers.
        norm: `"batch"` (the paper), `"instance"` or `"none"`.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    unet = kerasgan.models.UNetGenerator((32, 32, 1), output_channels=1, filters=16)
    unet(np.zeros((2, 32, 32, 1), "float32")).shape  # (2, 32, 32, 1)
    ```

    Paper: https://arxiv.org/abs/1611.07004
    """

    def __init__(self, data_shape, output_channels=None, filters=64, depth=None,
                 dropout=0.5, norm="batch", name="generator", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        output_channels = int(output_channels or data_shape[-1])
        image_blocks.check_norm(norm)
        depth = image_blocks.halving_layers(depth, data_shape, MAX_DEPTH, "depth")
        inputs = keras.Input(data_shape, name="source")
        skips, x = [], inputs
        for level in range(depth):
            width = filters * min(2**level, 8)
            # The paper normalizes neither the first layer nor the 1×1 bottleneck.
            norm_here = "none" if level in (0, depth - 1) and depth > 1 else norm
            x = image_blocks.normalized(
                x, image_blocks.conv(width, 4, 2, norm_here == "none", dtype), norm_here, dtype
            )
            x = layers.LeakyReLU(0.2, dtype=dtype)(x)
            skips.append(x)
        for level, skip in enumerate(reversed(skips[:-1])):
            width = filters * min(2 ** (depth - 2 - level), 8)
            x = image_blocks.normalized(
                x, image_blocks.conv_transpose(width, 4, 2, norm == "none", dtype), norm, dtype
            )
            if level < 3 and dropout:
                x = layers.Dropout(dropout, dtype=dtype)(x)
            x = layers.ReLU(dtype=dtype)(x)
            x = layers.Concatenate(dtype=dtype)([x, skip])
        outputs = image_blocks.conv_transpose(output_channels, 4, 2, dtype="float32")(x)
        outputs = layers.Activation("tanh", dtype="float32")(outputs)
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape, self.output_channels = data_shape, output_channels
        self.filters, self.depth, self.dropout, self.norm = int(filters), depth, float(dropout), norm

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "output_channels": self.output_channels, "filters": self.filters,
                "depth": self.depth, "dropout": self.dropout, "norm": self.norm}
