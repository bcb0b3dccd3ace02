"""Pixel-wise feature normalization (ProGAN) and the latent normalization of StyleGAN."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class PixelNormalization(keras.layers.Layer):
    """`x / √(mean(x²) + ε)` over the last axis: unit second moment per position.

    ProGAN normalizes each pixel's feature vector after every generator
    convolution; StyleGAN2's mapping network normalizes the latent z the same way
    (`normalize_2nd_moment`).

    Args:
        epsilon: added under the square root (1e-8 in both papers).
        **kwargs: base layer arguments.

    Paper: Karras et al. 2018, https://arxiv.org/abs/1710.10196 (Section 4.2).
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def call(self, inputs):
        return inputs * ops.rsqrt(ops.mean(ops.square(inputs), axis=-1, keepdims=True)
                                  + self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
