"""The discriminator of a LAPGAN level: is this residual real, given the coarser image?"""

import keras

from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

MAX_STRIDED = 2  # the authors' CIFAR-10 discriminators halve the image once or twice


@keras.saving.register_keras_serializable(package="kerasgan")
class LaplacianDiscriminator(Network):
    """Judges a (residual, upsampled coarser image) pair of one pyramid level: one logit.

    As in the paper, the coarser image is added to the residual before the first
    convolution ("the low-pass image l_k is explicitly added to h_k"), so D judges
    the level's full image while G only draws its band-pass part. Then `layers`
    convolutions with kernel 5 and stride 2 (filters doubling, LeakyReLU(0.2)),
    dropout, and a Dense logit.

    Args:
        data_shape: `(height, width, channels)` of the level.
        filters: filters of the first convolution; each later one doubles them.
        layers: stride-2 convolutions; None: as many as the sides halve, at most 2.
        dropout: dropout rate before the logit (the paper's discriminators use
            dropout).
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    d = kerasgan.models.LaplacianDiscriminator((16, 16, 1), filters=32)
    logits = d([np.zeros((2, 16, 16, 1)), np.zeros((2, 16, 16, 1))])  # (2, 1)
    ```

    Paper: https://arxiv.org/abs/1506.05751
    """

    def __init__(self, data_shape, filters=64, layers=None, dropout=0.5,
                 name="discriminator", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        strided = image_blocks.halving_layers(layers, data_shape, MAX_STRIDED, "layers")
        residual = keras.Input(data_shape, name="residual")
        condition = keras.Input(data_shape, name="condition")
        x = keras.layers.Add(dtype=dtype)([residual, condition])
        for i in range(strided):
            x = image_blocks.conv(int(filters) * 2**i, 5, 2, dtype=dtype)(x)
            x = keras.layers.LeakyReLU(0.2, dtype=dtype)(x)
        if dropout:
            x = keras.layers.Dropout(float(dropout), dtype=dtype)(x)
        x = keras.layers.Flatten(name="features", dtype=dtype)(x)
        outputs = keras.layers.Dense(1, dtype="float32")(x)
        self._init_functional([residual, condition], outputs, dtype, name=name, **kwargs)
        self.data_shape, self.filters, self.layers_count = data_shape, int(filters), strided
        self.dropout = float(dropout)

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "filters": self.filters, "layers": self.layers_count,
                "dropout": self.dropout}
