"""Reflection padding for images (CycleGAN's and pix2pixHD's generators)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads the height and width of `(batch, height, width, channels)` by reflection.

    Zero padding draws a dark frame the generator must learn to hide; reflection
    padding continues the image instead (Zhu et al. 2017, Appendix 7.2).

    Args:
        padding: pixels added on each side of both spatial axes.
        **kwargs: base layer arguments.

    Example:

    ```python
    layer = kerasgan.layers.ReflectionPadding2D(3)
    layer(np.zeros((1, 8, 8, 1), "float32")).shape  # (1, 14, 14, 1)
    ```
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        if int(padding) != padding or padding < 0:
            raise ValueError(f"padding must be a non-negative integer; got {padding!r}.")
        self.padding = int(padding)

    def call(self, inputs):
        p = self.padding
        return ops.pad(inputs, ((0, 0), (p, p), (p, p), (0, 0)), mode="reflect")

    def compute_output_shape(self, input_shape):
        grow = lambda side: None if side is None else side + 2 * self.padding  # noqa: E731
        return (input_shape[0], grow(input_shape[1]), grow(input_shape[2]), input_shape[3])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}
