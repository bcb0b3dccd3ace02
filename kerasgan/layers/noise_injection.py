"""Per-pixel noise with a learned strength (StyleGAN): random in training, a stored
constant at inference so that sampling is deterministic."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class NoiseInjection(keras.layers.Layer):
    """Adds `strength · noise` to a feature map, one noise value per pixel.

    The noise image is shared by all channels and scaled by one learned scalar,
    `strength` (0 at first), as in StyleGAN2's `SynthesisLayer`. In training
    (`training=True`) it is drawn afresh from the layer's `SeedGenerator` (its
    state is a variable of the model: it advances inside the jitted step on JAX);
    otherwise the layer adds `noise_const`, a non-trainable N(0, 1) image drawn when
    the layer is built and saved with the weights (the reference code's
    `noise_mode="const"`), so that the same weights give the same images on every
    backend.

    Args:
        seed: seed of the training noise; None draws one.
        **kwargs: base layer arguments.

    Paper: Karras et al. 2019, https://arxiv.org/abs/1812.04948 (Section 3.2).
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed")

    def build(self, input_shape):
        height, width = int(input_shape[1]), int(input_shape[2])
        self.noise_const = self.add_weight(
            shape=(height, width), name="noise_const", trainable=False,
            initializer=keras.initializers.RandomNormal(0.0, 1.0, seed=self.seed))
        self.strength = self.add_weight(shape=(), name="strength", initializer="zeros")

    def call(self, inputs, training=False):
        if training:
            shape = (ops.shape(inputs)[0], inputs.shape[1], inputs.shape[2], 1)
            noise = keras.random.normal(shape, seed=self.seed_generator, dtype=inputs.dtype)
        else:
            noise = ops.cast(self.noise_const, inputs.dtype)[None, :, :, None]
        return inputs + noise * ops.cast(self.strength, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}
