"""StackGAN's stage-II generator: the stage-I image and the text → full resolution."""

import keras
from keras import layers

from kerasgan.models import image_blocks
from kerasgan.models.cycle_gan.resnet_generator import residual_block
from kerasgan.models.networks import Network
from kerasgan.models.stack_gan.stage_i_generator import up_block


@keras.saving.register_keras_serializable(package="kerasgan")
class StageIIGenerator(Network):
    """Stage II: corrects the stage-I image and adds detail, reading the text again.

    The stage-I image is encoded (conv 3×3 + ReLU, then a stride-2 conv + BN +
    ReLU: `low_res/2`), joined with the conditioning vector replicated over the
    map, mixed by a 3×3 conv + BN + ReLU, refined by `residual_blocks` residual
    blocks, then up-sampled twice (nearest ×2, conv 3×3, BN, ReLU) and mapped to
    the image by a 3×3 tanh convolution: `low_res/2 × 4 = 2 × low_res`, the data
    size (Zhang et al. 2017, §3.3: encoder, residual blocks, up-sampling; the
    paper's ×4 becomes ×2 here).

    Args:
        data_shape: `(height, width, channels)` of the output, twice the stage-I
            image's sides.
        condition_dim: size of c.
        filters: channels of the encoder's first layer; the residual blocks have 2×.
        residual_blocks: how many (2 in the paper's small variant; 4 for birds).
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    g2 = kerasgan.models.StageIIGenerator((32, 32, 1), condition_dim=16)
    g2([np.zeros((2, 16, 16, 1)), np.zeros((2, 16))]).shape  # (2, 32, 32, 1)
    ```

    Paper: https://arxiv.org/abs/1612.03242
    """

    def __init__(self, data_shape, condition_dim=16, filters=32, residual_blocks=2,
                 name="generator_2", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        if image_blocks.halvings(data_shape, 3) < 3:
            raise ValueError(f"StageIIGenerator needs sides divisible by 8; got {data_shape}.")
        blocks = image_blocks.block_count(residual_blocks)
        low_res_shape = (data_shape[0] // 2, data_shape[1] // 2, data_shape[2])
        image = keras.Input(low_res_shape, name="low_res")
        c = keras.Input((int(condition_dim),), name="condition")
        x = layers.ReLU(dtype=dtype)(image_blocks.conv(filters, 3, dtype=dtype)(image))
        x = image_blocks.normalized(x, image_blocks.conv(2 * filters, 4, 2, False, dtype), "batch", dtype)
        x = layers.ReLU(dtype=dtype)(x)
        side = (low_res_shape[0] // 2, low_res_shape[1] // 2)
        tiled = layers.UpSampling2D(side, dtype=dtype)(layers.Reshape((1, 1, int(condition_dim)), dtype=dtype)(c))
        x = layers.Concatenate(dtype=dtype)([x, tiled])
        x = image_blocks.normalized(x, image_blocks.conv(2 * filters, 3, 1, False, dtype), "batch", dtype)
        x = layers.ReLU(dtype=dtype)(x)
        for _ in range(blocks):
            x = residual_block(x, 2 * filters, "batch", dtype)
        x = up_block(x, filters, dtype)
        x = up_block(x, max(filters // 2, 1), dtype)
        x = image_blocks.conv(data_shape[-1], 3, dtype="float32")(x)
        outputs = layers.Activation("tanh", dtype="float32")(x)
        self._init_functional([image, c], outputs, dtype, name=name, **kwargs)
        self.data_shape, self.low_res_shape = data_shape, low_res_shape
        self.condition_dim, self.filters = int(condition_dim), int(filters)
        self.residual_blocks = blocks

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "condition_dim": self.condition_dim, "filters": self.filters,
                "residual_blocks": self.residual_blocks}
