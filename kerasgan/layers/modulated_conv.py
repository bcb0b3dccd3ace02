"""StyleGAN2's modulated (and demodulated) convolution, in portable `keras.ops`."""

import math

import keras
from keras import ops

from kerasgan.layers.equalized import EqualizedDense
from kerasgan.layers.fir_resample import Upsample2D


@keras.saving.register_keras_serializable(package="kerasgan")
class ModulatedConv2D(keras.layers.Layer):
    """A convolution whose input channels are scaled per example by a style.

    Called on `[x, w]`: features `x` `(batch, height, width, in_channels)` and
    latents `w` `(batch, w_dim)`. An affine layer (`affine`, an `EqualizedDense`
    whose bias starts at 1) maps w to styles s `(batch, in_channels)`; the
    convolution's weight W (stored N(0, 1), scaled at run time by
    `1/√(kernel_size² · in_channels)`) is modulated per example,
    `W'_b[k, l, i, o] = W[k, l, i, o] · s_b[i]`, and, with `demodulate`, divided by
    `√(Σ_{k,l,i} W'_b[k, l, i, o]² + ε)`, which restores unit output variance for
    unit-variance inputs (Karras et al. 2020, Section 2.2, Eq. 1–3).

    The layer computes this in the "non-fused" form: it scales the inputs by s,
    runs one convolution shared by the batch, and scales the outputs by the
    demodulation coefficients `d_b[o] = 1/√(Σ_{i} s_b[i]² Σ_{k,l} W[k, l, i, o]² + ε)`.
    Since a convolution is linear in its input channels, this is mathematically
    equal to convolving each example with its own weights W'_b (the reference
    code's grouped-convolution form), but needs no per-example weights nor grouped
    convolution, so it runs on every backend (tests/test_style_gan.py checks the
    equality against explicit per-example weights).

    With `upsample` the scaled input is doubled in size with `Upsample2D` (the
    FIR filter [1, 3, 3, 1]) before the convolution; the reference code uses a
    stride-2 transposed convolution followed by the filter instead.

    Args:
        filters: output channels.
        kernel_size: the side of the square kernel ("same" zero padding).
        demodulate: divide by the norm of the modulated weights (True in the
            synthesis layers, False in toRGB).
        upsample: double height and width first.
        use_bias: add a bias (0 at first).
        epsilon: ε of the demodulation.
        **kwargs: base layer arguments.

    Example:

    ```python
    conv = kerasgan.layers.ModulatedConv2D(16, 3)
    conv([np.ones((2, 8, 8, 4), "float32"), np.ones((2, 32), "float32")]).shape
    # (2, 8, 8, 16)
    ```

    Paper: Karras et al. 2020, https://arxiv.org/abs/1912.04958
    """

    def __init__(self, filters, kernel_size=3, demodulate=True, upsample=False,
                 use_bias=True, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size = int(filters), int(kernel_size)
        self.demodulate, self.upsample = bool(demodulate), bool(upsample)
        self.use_bias, self.epsilon = bool(use_bias), float(epsilon)

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        channels = int(x_shape[-1])
        self.affine = EqualizedDense(channels, bias_initializer=1.0, dtype=self.dtype_policy,
                                     name="affine")
        self.affine.build(w_shape)
        self.kernel = self.add_weight(
            shape=(self.kernel_size, self.kernel_size, channels, self.filters),
            name="kernel", initializer=keras.initializers.RandomNormal(0.0, 1.0))
        self.weight_scale = 1.0 / math.sqrt(self.kernel_size**2 * channels)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), name="bias",
                                        initializer="zeros")
        self.upsampler = None
        if self.upsample:
            self.upsampler = Upsample2D(dtype=self.dtype_policy)
            self.upsampler.build(x_shape)

    def call(self, inputs):
        x, w = inputs
        styles = self.affine(w)
        weight = self.kernel * self.weight_scale
        outputs = self.convolve(x * styles[:, None, None, :], weight)
        if self.demodulate:
            outputs = outputs * self.demodulation(styles, weight)[:, None, None, :]
        if self.bias is not None:
            outputs = outputs + self.bias
        return outputs

    def convolve(self, x, weight):
        """The styled input, up-sampled when `upsample`, convolved with `weight`."""
        if self.upsampler is not None:
            x = self.upsampler(x)
        return ops.conv(x, weight, padding="same")

    def demodulation(self, styles, weight):
        """`d_b[o] = 1/√(Σ_i s_b[i]² Σ_{k,l} W[k, l, i, o]² + ε)`, `(batch, filters)`."""
        squared = ops.sum(ops.square(weight), axis=(0, 1))  # (in_channels, filters)
        return ops.rsqrt(ops.matmul(ops.square(styles), squared) + self.epsilon)

    def compute_output_shape(self, input_shape):
        x_shape = input_shape[0]
        factor = 2 if self.upsample else 1
        sides = [None if s is None else s * factor for s in x_shape[1:3]]
        return (x_shape[0], *sides, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "demodulate": self.demodulate,
                "upsample": self.upsample, "use_bias": self.use_bias,
                "epsilon": self.epsilon}
