"""The generator of a LAPGAN level: noise and the upsampled coarser image → residual."""

import keras

from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

NORMS = ("batch", "none")


@keras.saving.register_keras_serializable(package="kerasgan")
class LaplacianGenerator(Network):
    """Draws the band-pass residual of one pyramid level, conditioned on the coarser image.

    Inputs `[noise, condition]`: a noise plane `(height, width, noise_channels)` and
    the upsampled coarser image `(height, width, channels)`, joined along the
    channels (the paper presents the noise "as a 4th colour plane"); then `layers`
    stride-1 convolutions with kernel 5, the hidden ones with `filters` channels,
    normalization and ReLU, the last one linear to `channels`: a residual, whose
    values are not bounded like an image's (Denton et al. 2015, §4; the authors'
    CIFAR-10 code uses three such convolutions with 128 channels and no
    normalization).

    Args:
        data_shape: `(height, width, channels)` of the level.
        filters: channels of the hidden convolutions.
        layers: convolutions in all (≥ 2).
        noise_channels: channels of the noise plane.
        norm: `"batch"` or `"none"` after each hidden convolution.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    g = kerasgan.models.LaplacianGenerator((16, 16, 1), filters=32)
    residual = g([np.zeros((2, 16, 16, 1)), np.zeros((2, 16, 16, 1))])  # (2, 16, 16, 1)
    ```

    Paper: https://arxiv.org/abs/1506.05751
    """

    def __init__(self, data_shape, filters=64, layers=3, noise_channels=1, norm="batch",
                 name="generator", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        count = _at_least(layers, 2, "layers")
        noise_channels = _at_least(noise_channels, 1, "noise_channels")
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}; got {norm!r}.")
        noise = keras.Input(data_shape[:2] + (noise_channels,), name="noise")
        condition = keras.Input(data_shape, name="condition")
        x = keras.layers.Concatenate(dtype=dtype)([noise, condition])
        for _ in range(count - 1):
            x = image_blocks.normalized(
                x, image_blocks.conv(int(filters), 5, 1, norm == "none", dtype),
                norm, dtype,
            )
            x = keras.layers.ReLU(dtype=dtype)(x)
        outputs = image_blocks.conv(data_shape[-1], 5, 1, dtype="float32")(x)
        self._init_functional([noise, condition], outputs, dtype, name=name, **kwargs)
        self.data_shape, self.filters, self.layers_count = data_shape, int(filters), count
        self.noise_channels, self.norm = noise_channels, norm

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "filters": self.filters, "layers": self.layers_count,
                "noise_channels": self.noise_channels, "norm": self.norm}


def _at_least(value, minimum, name):
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}; got {value!r}.")
    return int(value)
