"""SRGAN's VGG-style discriminator (Ledig et al. 2017, Figure 4)."""

import keras
from keras import layers

from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

CONV_LAYERS = 8  # 64, 64, 128, 128, 256, 256, 512, 512 filters
PAPER_STRIDED_BLOCKS = 4  # 96 px → 6×6 before the dense layers
MIN_SIDE = 4  # the smallest feature map the adapted network flattens


def default_strided_blocks(data_shape):
    """Stride-2 convolutions for an image size: the paper's 4 while the last feature
    map keeps sides ≥ 4 px (28 px → 2, 32 → 3, 64, 96 and 256 → 4)."""
    height, width = data_shape[:2]
    count = 0
    while (count < PAPER_STRIDED_BLOCKS and height % 2 == 0 and width % 2 == 0
           and min(height, width) // 2 >= MIN_SIDE):
        height, width, count = height // 2, width // 2, count + 1
    return count


@keras.saving.register_keras_serializable(package="kerasgan")
class SRDiscriminator(Network):
    """SRGAN's discriminator: eight 3×3 convolutions, two dense layers, one logit.

    Filters 64-64-128-128-256-256-512-512 (times `filters / 64`); every second
    convolution has stride 2; batch norm on all but the first; LeakyReLU(0.2);
    then Dense(`dense_units`) with LeakyReLU(0.2) and Dense(1), a logit (the
    paper's sigmoid is in the loss). The paper's 4 stride-2 convolutions take
    96 px crops to 6×6; small images get fewer (`default_strided_blocks`): the
    first `strided_blocks` pairs halve the size, the others keep stride 1, so
    every image size has the same eight convolutions.

    Args:
        data_shape: `(height, width, channels)` of the high-resolution images.
        filters: filters of the first convolutions (64 in the paper).
        strided_blocks: stride-2 convolutions, 0 to 4; None picks
            `default_strided_blocks(data_shape)`.
        dense_units: units of the hidden dense layer (1024 in the paper).
        name, dtype, **kwargs: `keras.Model` arguments.

    Returns:
        A model from `(batch, h, w, c)` images to `(batch, 1)` logits.

    Example:

    ```python
    d = kerasgan.models.SRDiscriminator((32, 32, 1), filters=16)
    d(np.zeros((2, 32, 32, 1), "float32")).shape  # (2, 1)
    ```

    Paper: https://arxiv.org/abs/1609.04802
    """

    def __init__(self, data_shape, filters=64, strided_blocks=None, dense_units=1024,
                 name="discriminator", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        strided = image_blocks.halving_layers(
            strided_blocks, data_shape, PAPER_STRIDED_BLOCKS, "strided_blocks",
            minimum=0, default=default_strided_blocks(data_shape))
        inputs = keras.Input(data_shape, name="image")
        x = inputs
        for index in range(CONV_LAYERS):
            x = _conv_block(x, index, filters, strided, dtype)
        x = layers.Flatten(dtype=dtype)(x)
        x = _dense(int(dense_units), dtype)(x)
        x = layers.LeakyReLU(0.2, dtype=dtype)(x)
        outputs = _dense(1, "float32")(x)
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape, self.filters = data_shape, int(filters)
        self.strided_blocks, self.dense_units = strided, int(dense_units)

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "filters": self.filters, "strided_blocks": self.strided_blocks,
                "dense_units": self.dense_units}


def _dense(units, dtype):
    return layers.Dense(units, kernel_initializer=image_blocks.init(), dtype=dtype)


def _conv_block(x, index, filters, strided, dtype):
    """Convolution `index` (0-7): its width, stride and normalization."""
    pair = index // 2
    stride = 2 if index % 2 == 1 and pair < strided else 1
    norm = "none" if index == 0 else "batch"
    width = filters * 2**pair
    layer = image_blocks.conv(width, 3, stride, use_bias=norm == "none", dtype=dtype)
    x = image_blocks.normalized(x, layer, norm, dtype)
    return layers.LeakyReLU(0.2, dtype=dtype)(x)
