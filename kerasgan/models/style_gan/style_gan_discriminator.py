"""StyleGAN2's residual discriminator with minibatch standard deviation."""

import math

import keras
from keras import layers

from kerasgan.layers.equalized import EqualizedConv2D
from kerasgan.layers.equalized import EqualizedDense
from kerasgan.layers.fir_resample import Downsample2D
from kerasgan.layers.minibatch_stddev import MinibatchStdDev
from kerasgan.models.networks import Network
from kerasgan.models.style_gan.style_gan_generator import BASE_RESOLUTION
from kerasgan.models.style_gan.style_gan_generator import channels_at
from kerasgan.models.style_gan.style_gan_generator import check_image_size
from kerasgan.models.style_gan.style_gan_generator import resolutions

# Residual sums are scaled by √0.5 to keep the variance (the reference code).
HALF = math.sqrt(0.5)


def residual_block(x, channels, out_channels, dtype=None):
    """`√.5·skip(x) + √.5·conv1(conv0(x))`, both halving the resolution.

    conv0 3×3 and conv1 3×3 (after the FIR down-sampling) with leaky ReLU; the skip
    is the down-sampled x through a 1×1 convolution without bias. The √.5 of conv1
    is folded into its activation gain (√2 · √.5 = 1) and that of the linear skip
    into its weight gain.
    """
    y = EqualizedConv2D(channels, 3, activation="lrelu", dtype=dtype)(x)
    y = Downsample2D(dtype=dtype)(y)
    y = EqualizedConv2D(out_channels, 3, activation="lrelu",
                        activation_gain=math.sqrt(2.0) * HALF, dtype=dtype)(y)
    skip = Downsample2D(dtype=dtype)(x)
    skip = EqualizedConv2D(out_channels, 1, use_bias=False, gain=HALF, dtype=dtype)(skip)
    return layers.Add(dtype=dtype)([skip, y])


@keras.saving.register_keras_serializable(package="kerasgan")
class StyleGANDiscriminator(Network):
    """Images → one logit: StyleGAN2's residual discriminator (configuration F).

    fromRGB (a 1×1 convolution) at the input resolution, a residual block per
    resolution down to 4×4 (`residual_block`), then the epilogue: minibatch
    standard deviation (one extra channel, groups of `mbstd_group_size`), a 3×3
    convolution, a dense layer and the output layer. Every layer has an equalized
    learning rate and leaky ReLU (slope 0.2, gain √2); down-sampling uses the FIR
    filter [1, 3, 3, 1].

    Args:
        data_shape: `(size, size, channels)`, size a power of two ≥ 4.
        filters: channels at the input resolution, doubling per halving.
        max_filters: at most this many channels.
        mbstd_group_size: examples per minibatch-stddev group (4 in the paper); the
            batch must be a multiple of it or smaller.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    d = kerasgan.models.StyleGANDiscriminator((32, 32, 1), filters=16, max_filters=64)
    d(np.zeros((4, 32, 32, 1), "float32")).shape  # (4, 1)
    ```

    Paper: Karras et al. 2020, https://arxiv.org/abs/1912.04958 (Figure 7).
    """

    def __init__(self, data_shape, filters=32, max_filters=256, mbstd_group_size=4,
                 name="discriminator", dtype=None, **kwargs):
        data_shape = check_image_size(data_shape)
        width = {r: channels_at(r, data_shape, filters, max_filters)
                 for r in resolutions(data_shape)}
        inputs = keras.Input(data_shape, name="image")
        x = EqualizedConv2D(width[data_shape[0]], 1, activation="lrelu", dtype=dtype)(inputs)
        for side in reversed(resolutions(data_shape)[1:]):
            x = residual_block(x, width[side], width[side // 2], dtype)
        x = MinibatchStdDev(mbstd_group_size, dtype=dtype)(x)
        x = EqualizedConv2D(width[BASE_RESOLUTION], 3, activation="lrelu", dtype=dtype)(x)
        x = layers.Flatten(dtype=dtype)(x)
        x = EqualizedDense(width[BASE_RESOLUTION], activation="lrelu", dtype=dtype)(x)
        outputs = EqualizedDense(1, dtype="float32")(x)
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape = data_shape
        self.filters, self.max_filters = int(filters), int(max_filters)
        self.mbstd_group_size = int(mbstd_group_size)

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "filters": self.filters, "max_filters": self.max_filters,
                "mbstd_group_size": self.mbstd_group_size}
