"""×2 up- and down-sampling with StyleGAN2's FIR filter [1, 3, 3, 1], in `keras.ops`.

The reference code's `upfirdn2d` (a CUDA op) in portable form: zero insertion or
stride-2 subsampling around a fixed depthwise convolution with the separable,
normalized filter. Nearest-neighbour up-sampling and average pooling alias; this
low-pass filter does less (Karras et al. 2020, Appendix B; Zhang 2019).
"""

import keras
import numpy as np
from keras import ops

FIR = (1.0, 3.0, 3.0, 1.0)


def fir_kernel(channels, gain=1.0):
    """The 4×4 depthwise kernel `(4, 4, channels, 1)`: outer(FIR, FIR), summing to `gain`."""
    taps = np.outer(FIR, FIR)
    taps = taps / taps.sum() * gain
    return np.tile(taps[:, :, None, None], (1, 1, channels, 1)).astype("float32")


class _FIRLayer(keras.layers.Layer):
    def build(self, input_shape):
        # A constant, not a weight: nothing to train or save.
        self._channels = int(input_shape[-1])

    def _filter(self, inputs, padding, strides, gain):
        kernel = ops.cast(fir_kernel(self._channels, gain), inputs.dtype)
        padded = ops.pad(inputs, ((0, 0), padding, padding, (0, 0)))
        return ops.depthwise_conv(padded, kernel, strides=strides, padding="valid")


@keras.saving.register_keras_serializable(package="kerasgan")
class Upsample2D(_FIRLayer):
    """Doubles height and width: zero insertion, then the FIR filter (gain 4).

    StyleGAN2's `upfirdn2d.upsample2d` with the filter [1, 3, 3, 1] (padding 2
    before, 1 after). Channels last.

    Example:

    ```python
    kerasgan.layers.Upsample2D()(np.ones((1, 4, 4, 3), "float32")).shape  # (1, 8, 8, 3)
    ```
    """

    def call(self, inputs):
        height, width, channels = inputs.shape[1], inputs.shape[2], inputs.shape[3]
        x = ops.reshape(inputs, (-1, height, 1, width, 1, channels))
        x = ops.pad(x, ((0, 0), (0, 0), (0, 1), (0, 0), (0, 1), (0, 0)))
        x = ops.reshape(x, (-1, 2 * height, 2 * width, channels))
        return self._filter(x, (2, 1), 1, gain=4.0)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2 * input_shape[1], 2 * input_shape[2], input_shape[3])


@keras.saving.register_keras_serializable(package="kerasgan")
class Downsample2D(_FIRLayer):
    """Halves height and width: the FIR filter (padding 1), then every second pixel.

    StyleGAN2's `upfirdn2d.downsample2d` with the filter [1, 3, 3, 1]. Channels
    last; even sides.

    Example:

    ```python
    kerasgan.layers.Downsample2D()(np.ones((1, 8, 8, 3), "float32")).shape  # (1, 4, 4, 3)
    ```
    """

    def call(self, inputs):
        return self._filter(inputs, (1, 1), 2, gain=1.0)

    def compute_output_shape(self, input_shape):
        halve = [None if s is None else s // 2 for s in input_shape[1:3]]
        return (input_shape[0], *halve, input_shape[3])
