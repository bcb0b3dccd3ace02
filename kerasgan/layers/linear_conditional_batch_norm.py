"""Batch normalization whose gain and bias are linear functions of a vector (BigGAN)."""

import keras

from kerasgan.layers.conditional_batch_norm import scale_and_shift
from kerasgan.layers.spectral_normalization import SpectralNormalization


@keras.saving.register_keras_serializable(package="kerasgan")
class LinearConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalization conditioned on a vector: `(1 + γ(c)) · x̂ + β(c)`.

    BigGAN's conditional batch norm: the conditioning vector `c` of each example (its
    class embedding joined to its chunk of the latent vector) is projected linearly to
    a gain and a bias per channel; the gain is `1 + γ(c)`, centred on plain batch
    norm's. Unlike
    `ConditionalBatchNormalization` (a table of `(γ, β)` per class), it takes any
    vector, so the latent vector reaches every generator block (skip-z). Statistics are
    those of the whole batch (moving averages at inference). Call it on
    `[features, condition]`, `condition` of shape `(batch, dims)`.

    Args:
        spectral_norm: spectral normalization of the two projections (BigGAN's G
            uses spectrally normalized linear layers for them).
        momentum, epsilon: as in `keras.layers.BatchNormalization`.
        **kwargs: base layer arguments.

    Example:

    ```python
    features = keras.Input((8, 8, 32))
    condition = keras.Input((48,))
    x = LinearConditionalBatchNormalization()([features, condition])
    ```

    Paper: Brock et al. 2019, https://arxiv.org/abs/1809.11096 (Section 3, Appendix B)
    """

    def __init__(self, spectral_norm=True, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.spectral_norm = bool(spectral_norm)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.normalize = keras.layers.BatchNormalization(
            momentum=self.momentum, epsilon=self.epsilon, center=False, scale=False
        )

    def _projection(self, channels, name):
        # Orthogonal initialization, as BigGAN's; not zeros, whose σ is 0.
        dense = keras.layers.Dense(channels, use_bias=False,
                                   kernel_initializer="orthogonal", name=name)
        return SpectralNormalization(dense, name=f"{name}_sn") if self.spectral_norm else dense

    def build(self, input_shape):
        feature_shape, condition_shape = input_shape
        if len(condition_shape) != 2:
            raise ValueError(
                "LinearConditionalBatchNormalization's condition must have shape "
                f"(batch, dims); got {condition_shape}."
            )
        channels = feature_shape[-1]
        self.normalize.build(feature_shape)
        self.gain = self._projection(channels, "gain")
        self.bias = self._projection(channels, "bias")
        self.gain.build(condition_shape)
        self.bias.build(condition_shape)
        self.built = True

    def call(self, inputs, training=None):
        features, condition = inputs
        normalized = self.normalize(features, training=training)
        # The gain is learned as an offset from 1, so that a zero projection is identity.
        return scale_and_shift(normalized, 1.0 + self.gain(condition, training=training),
                               self.bias(condition, training=training))

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {
            **super().get_config(),
            "spectral_norm": self.spectral_norm,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
        }
