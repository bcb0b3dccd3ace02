"""Sub-pixel convolution's rearrangement (Shi et al. 2016), used by SRGAN."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class PixelShuffle(keras.layers.Layer):
    """Rearranges `(b, h, w, c·r²)` into `(b, h·r, w·r, c)`: TensorFlow's depth_to_space.

    Output pixel `(h·r + i, w·r + j)`, channel `k` is input pixel `(h, w)`, channel
    `(i·r + j)·c + k`: the same order as `tf.nn.depth_to_space`, so weights trained
    with it keep their meaning. Written with `keras.ops` reshapes, so it runs on
    every backend.

    Args:
        factor: the upscaling factor `r` of each spatial axis.
        **kwargs: base layer arguments.

    Paper: Shi et al. 2016, https://arxiv.org/abs/1609.05158
    """

    def __init__(self, factor=2, **kwargs):
        super().__init__(**kwargs)
        if int(factor) != factor or factor < 1:
            raise ValueError(f"factor must be a positive integer; got {factor!r}.")
        self.factor = int(factor)

    def call(self, inputs):
        r = self.factor
        # The height and width may be dynamic (a fully convolutional generator).
        batch, height, width = ops.shape(inputs)[:3]
        out_channels = inputs.shape[-1] // (r * r)
        x = ops.reshape(inputs, (batch, height, width, r, r, out_channels))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, (batch, height * r, width * r, out_channels))

    def build(self, input_shape):
        if input_shape[-1] is None or input_shape[-1] % (self.factor**2):
            raise ValueError(
                f"PixelShuffle({self.factor}) needs channels divisible by "
                f"{self.factor**2}; got {input_shape[-1]}."
            )

    def compute_output_shape(self, input_shape):
        r = self.factor
        b, h, w, c = input_shape
        grow = lambda side: None if side is None else side * r  # noqa: E731
        return (b, grow(h), grow(w), c // (r * r))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
