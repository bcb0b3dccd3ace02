"""×2 up- and down-sampling with StyleGAN2's FIR filter [1, 3, 3, 1], in `keras.ops`.

The reference code's `upfirdn2d` (a CUDA op) in portable form: zero insertion or
stride-2 subsampling around the separable, normalized filter, applied as a
depthwise convolution or, where the backend says so
(`kerasgan.backend.FIXED_FILTER_AS_SLICES`, JAX), as weighted sums of shifted
slices, one axis at a time: XLA's CPU depthwise convolution and its gradient made
JAX's StyleGAN2 step 8× slower than TensorFlow's, while TensorFlow's strided-slice
gradients are slower than its depthwise convolution (scripts/bench_fir.py). Nearest-neighbour up-sampling and average pooling alias; this
low-pass filter does less (Karras et al. 2020, Appendix B; Zhang 2019).
"""

import math

import keras
import numpy as np
from keras import ops

from kerasgan import backend

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
        """The 2-D filter `fir_kernel(gain)`, "valid" after `padding` on each side."""
        x = ops.pad(inputs, ((0, 0), padding, padding, (0, 0)))
        if backend.FIXED_FILTER_AS_SLICES:
            # Separable: the outer product of the 1-D taps, one axis at a time.
            taps = np.asarray(FIR) / sum(FIR) * math.sqrt(gain)
            return correlate_1d(correlate_1d(x, 1, taps, strides), 2, taps, strides)
        kernel = ops.cast(fir_kernel(self._channels, gain), inputs.dtype)
        return ops.depthwise_conv(x, kernel, strides=strides, padding="valid")


def correlate_1d(x, axis, taps, stride):
    """Σ_t taps[t] · x[..., t + stride·i, ...] along `axis` ("valid" correlation)."""
    length = (x.shape[axis] - len(taps)) // stride + 1
    total = None
    for offset, tap in enumerate(taps):
        index = [slice(None)] * len(x.shape)
        index[axis] = slice(offset, offset + stride * (length - 1) + 1, stride)
        term = x[tuple(index)] * float(tap)
        total = term if total is None else total + term
    return total


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
