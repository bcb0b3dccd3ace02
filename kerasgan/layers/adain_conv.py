"""The first StyleGAN's style block: AdaIN, then a convolution, in `keras.ops`."""

import keras
from keras import ops

from kerasgan.layers.equalized import EqualizedDense
from kerasgan.layers.modulated_conv import ModulatedConv2D


@keras.saving.register_keras_serializable(package="kerasgan")
class AdaINConv2D(ModulatedConv2D):
    """Adaptive instance normalization of the input, then a convolution.

    Called on `[x, w]` like `ModulatedConv2D`. Each example's input channels are
    normalized by their own mean and standard deviation over height and width, then
    scaled and shifted by styles from w, `AdaIN(x, w) = y_s(w)·(x - μ(x))/σ(x) +
    y_b(w)`, with `y_s = affine(w)` (its bias starts at 1) and `y_b = shift(w)` (its
    bias starts at 0), both `EqualizedDense` (Huang & Belongie 2017; Karras et al.
    2019, Eq. 1). The equalized convolution (and, with `upsample`, the FIR
    up-sampling before it) and the bias follow, as in `ModulatedConv2D`.

    In a generator whose layers are "convolution, noise, activation", putting AdaIN
    at the start of each convolution gives the first StyleGAN's order (Karras et al.
    2019, Figure 1b, as Karras et al. 2020, Figure 2b, redraws it): noise and bias
    inside the style block, normalized by the next AdaIN. StyleGAN2 replaced the
    normalization of the actual feature maps by demodulation, an estimate from the
    weights, because the normalization caused its "droplet" artifacts.

    Args:
        filters: output channels.
        kernel_size: the side of the square kernel ("same" zero padding).
        upsample: double height and width after AdaIN, before the convolution.
        use_bias: add a bias (0 at first).
        epsilon: ε added to the variance.
        **kwargs: base layer arguments.

    Example:

    ```python
    conv = kerasgan.layers.AdaINConv2D(16, 3)
    conv([np.ones((2, 8, 8, 4), "float32"), np.ones((2, 32), "float32")]).shape
    # (2, 8, 8, 16)
    ```

    Paper: Karras et al. 2019, https://arxiv.org/abs/1812.04948
    """

    def __init__(self, filters, kernel_size=3, upsample=False, use_bias=True,
                 epsilon=1e-8, **kwargs):
        super().__init__(filters, kernel_size, demodulate=False, upsample=upsample,
                         use_bias=use_bias, epsilon=epsilon, **kwargs)

    def build(self, input_shape):
        super().build(input_shape)
        self.shift = EqualizedDense(self.affine.units, bias_initializer=0.0,
                                    dtype=self.dtype_policy, name="shift")
        self.shift.build(input_shape[1])

    def call(self, inputs):
        x, w = inputs
        outputs = self.convolve(self.adain(x, w), self.kernel * self.weight_scale)
        if self.bias is not None:
            outputs = outputs + self.bias
        return outputs

    def adain(self, x, w):
        """`y_s(w)·(x - μ(x))/σ(x) + y_b(w)`, μ and σ per example and channel."""
        mean = ops.mean(x, axis=(1, 2), keepdims=True)
        variance = ops.mean(ops.square(x - mean), axis=(1, 2), keepdims=True)
        normalized = (x - mean) * ops.rsqrt(variance + self.epsilon)
        return normalized * self.affine(w)[:, None, None, :] + self.shift(w)[:, None, None, :]

    def get_config(self):
        config = super().get_config()
        del config["demodulate"]
        return config
