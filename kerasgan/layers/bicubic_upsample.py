"""Bicubic upsampling by an integer factor as a fixed convolution, on every backend."""

import keras
import numpy as np
from keras import ops

from kerasgan.utils import bicubic
from kerasgan.layers.pixel_shuffle import PixelShuffle

# Keys' cubic reaches 2 low-res pixels either side: taps -2..2 cover every phase.
_REACH = 2


def phase_weights(factor):
    """`(factor, 5)` weights: output phase `p` of each low-res pixel `i` is
    `sum_k w[p, k] · x[i + k − 2]` (half-pixel centres, as MATLAB's imresize)."""
    offsets = (np.arange(factor) + 0.5) / factor - 0.5
    taps = np.arange(-_REACH, _REACH + 1)
    weights = bicubic.cubic(offsets[:, None] - taps[None, :])
    return weights / weights.sum(axis=1, keepdims=True)


def upsample_kernel(factor, channels):
    """`(5, 5, channels, channels·factor²)`: each channel to its own factor² phases,
    in PixelShuffle's (depth_to_space) channel order `(i·r + j)·c + k`."""
    w = phase_weights(factor)
    kernel = np.zeros((2 * _REACH + 1, 2 * _REACH + 1, channels, channels * factor**2))
    for i in range(factor):
        for j in range(factor):
            for k in range(channels):
                kernel[:, :, k, (i * factor + j) * channels + k] = np.outer(w[i], w[j])
    return kernel.astype("float32")


def _take(x, axis, start, stop):
    index = [slice(None)] * 4
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def _mirror(x, axis):
    """Pads 2 pixels at both ends of `axis`, mirrored with the edge repeated
    (MATLAB's 'symmetric': x1 x0 | x0 x1 ...), with slices so the side may be
    dynamic. In two steps, so that a side of 1 pixel works too (x0 x0 | x0 | x0 x0)."""
    x = ops.concatenate([_take(x, axis, 0, 1), x, _take(x, axis, -1, None)], axis=axis)
    return ops.concatenate(
        [_take(x, axis, 2, 3), x, _take(x, axis, -3, -2)], axis=axis)


@keras.saving.register_keras_serializable(package="kerasgan")
class BicubicUpsample(keras.layers.Layer):
    """Enlarges `(b, h, w, c)` images `factor`× with MATLAB's bicubic `imresize`.

    Keys' cubic convolution (a = −0.5), half-pixel centres and mirrored borders: on
    images of at least 3×3 pixels it gives `kerasgan.utils.bicubic.upscale` (the SR
    papers' bicubic baseline) to float precision. It is a fixed 5×5 convolution to
    `factor²` phases per channel followed by a pixel shuffle, so it runs the same
    on every backend, on images of any size, and has no weights. The global skip
    of VDSR-style super-resolution networks (`SRResNetGenerator(bicubic_skip=True)`).

    Args:
        factor: the integer upscaling factor.
        **kwargs: base layer arguments.

    Returns:
        `(b, h·factor, w·factor, c)`.

    Example:

    ```python
    big = kerasgan.layers.BicubicUpsample(4)(np.zeros((1, 8, 8, 3), "float32"))
    ```

    Paper: Kim et al. 2016 (VDSR), https://arxiv.org/abs/1511.04587
    """

    def __init__(self, factor=4, **kwargs):
        super().__init__(**kwargs)
        if isinstance(factor, bool) or int(factor) != factor or factor < 1:
            raise ValueError(f"factor must be a positive integer; got {factor!r}.")
        self.factor = int(factor)
        self._shuffle = PixelShuffle(self.factor)

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError("BicubicUpsample needs a known number of channels.")
        self._kernel = upsample_kernel(self.factor, int(input_shape[-1]))

    def call(self, inputs):
        x = _mirror(_mirror(inputs, 1), 2)
        kernel = ops.cast(self._kernel, x.dtype)
        return self._shuffle(ops.conv(x, kernel, strides=1, padding="valid"))

    def compute_output_shape(self, input_shape):
        return self._shuffle.compute_output_shape(
            (*input_shape[:3], input_shape[3] * self.factor**2))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
