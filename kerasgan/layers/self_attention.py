"""Self-attention over the spatial positions of a feature map (SAGAN)."""

import keras
from keras import ops

from kerasgan.layers.spectral_normalization import SpectralNormalization


@keras.saving.register_keras_serializable(package="kerasgan")
class SelfAttention2D(keras.layers.Layer):
    """SAGAN's self-attention block for `(batch, height, width, channels)` maps.

    `o = γ · v(softmax(f(x) g(x)ᵀ) h(x)) + x` with 1×1 convolutions f, g (C/8 channels),
    h (C/2) and v (C), and a scalar γ initialised at 0, so the block starts as the
    identity and the network learns how much non-local evidence to use.

    Args:
        key_reduction: channels of f and g are `channels // key_reduction`.
        value_reduction: channels of h are `channels // value_reduction`.
        spectral_norm: wrap the 1×1 convolutions in `SpectralNormalization`
            (SAGAN does, in G and D).
        **kwargs: base layer arguments.

    Paper: Zhang et al. 2019, https://arxiv.org/abs/1805.08318
    """

    def __init__(self, key_reduction=8, value_reduction=2, spectral_norm=True, **kwargs):
        super().__init__(**kwargs)
        self.key_reduction = int(key_reduction)
        self.value_reduction = int(value_reduction)
        self.spectral_norm = bool(spectral_norm)

    def _projection(self, channels, name):
        conv = keras.layers.Conv2D(channels, 1, use_bias=False, name=name)
        return (
            SpectralNormalization(conv, name=f"{name}_sn") if self.spectral_norm else conv
        )

    def build(self, input_shape):
        if len(input_shape) != 4 or None in input_shape[1:]:
            raise ValueError(
                "SelfAttention2D needs inputs of static shape (batch, height, width, "
                f"channels); got {input_shape}."
            )
        channels = input_shape[-1]
        keys = max(1, channels // self.key_reduction)
        values = max(1, channels // self.value_reduction)
        self.query = self._projection(keys, "query")
        self.key = self._projection(keys, "key")
        self.value = self._projection(values, "value")
        self.output_projection = self._projection(channels, "output")
        for projection in (self.query, self.key, self.value):
            projection.build(input_shape)
        self.output_projection.build(tuple(input_shape[:3]) + (values,))
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")
        self.built = True

    def call(self, inputs, training=False):
        _, height, width, _ = inputs.shape
        positions = height * width

        def flat(projection):
            y = projection(inputs, training=training)
            return ops.reshape(y, (-1, positions, y.shape[-1]))

        query, key, value = flat(self.query), flat(self.key), flat(self.value)
        attention = ops.softmax(ops.matmul(query, ops.transpose(key, (0, 2, 1))), axis=-1)
        attended = ops.reshape(
            ops.matmul(attention, value), (-1, height, width, value.shape[-1])
        )
        output = self.output_projection(attended, training=training)
        return inputs + ops.cast(self.gamma, output.dtype) * output

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "key_reduction": self.key_reduction,
            "value_reduction": self.value_reduction,
            "spectral_norm": self.spectral_norm,
        }
