"""StackGAN's stage-I generator: noise and a text condition → a low-resolution image."""

import keras
from keras import layers

from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

#: Up-sampling steps from the first feature map to the stage-I image (4×4 → 16×16).
UPSAMPLINGS = 2


def up_block(x, filters, dtype=None):
    """Nearest-neighbour ×2, 3×3 convolution, batch norm, ReLU (the paper's up-sampling)."""
    x = layers.UpSampling2D(2, dtype=dtype)(x)
    x = image_blocks.normalized(x, image_blocks.conv(filters, 3, 1, False, dtype), "batch", dtype)
    return layers.ReLU(dtype=dtype)(x)


@keras.saving.register_keras_serializable(package="kerasgan")
class StageIGenerator(Network):
    """Stage I: sketches the shape and colours of the object named by the text.

    `[z, c]` (noise and the conditioning vector) → dense → a `side/4`-sided map of
    `4 · filters` channels → two up-sampling blocks (nearest ×2, conv 3×3, BN,
    ReLU) → a 3×3 tanh convolution: an image of `output_shape` (16×16 for 32×32
    data). Zhang et al. 2017, §3.2 and the supplementary architecture, narrower.

    Args:
        output_shape: `(height, width, channels)` of the stage-I image; sides
            divisible by 4.
        latent_dim: size of z.
        condition_dim: size of c.
        filters: channels of the last block; earlier ones double.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    g1 = kerasgan.models.StageIGenerator((16, 16, 1), latent_dim=32, condition_dim=16)
    g1([np.zeros((2, 32)), np.zeros((2, 16))]).shape  # (2, 16, 16, 1)
    ```

    Paper: https://arxiv.org/abs/1612.03242
    """

    def __init__(self, output_shape, latent_dim=32, condition_dim=16, filters=32,
                 name="generator_1", dtype=None, **kwargs):
        output_shape = image_blocks.image_shape(output_shape, "output_shape")
        if image_blocks.halvings(output_shape, UPSAMPLINGS) < UPSAMPLINGS:
            raise ValueError(f"The stage-I image's sides must be divisible by 4; got {output_shape}.")
        height, width = output_shape[0] // 4, output_shape[1] // 4
        z = keras.Input((int(latent_dim),), name="z")
        c = keras.Input((int(condition_dim),), name="condition")
        x = layers.Concatenate(dtype=dtype)([z, c])
        x = layers.Dense(height * width * 4 * filters, use_bias=False,
                         kernel_initializer=image_blocks.init(), dtype=dtype)(x)
        x = layers.Reshape((height, width, 4 * filters), dtype=dtype)(x)
        x = image_blocks.normalization("batch", dtype)(x)
        x = layers.ReLU(dtype=dtype)(x)
        for i in range(UPSAMPLINGS):
            x = up_block(x, filters * 2 ** (UPSAMPLINGS - 1 - i), dtype)
        x = image_blocks.conv(output_shape[-1], 3, dtype="float32")(x)
        outputs = layers.Activation("tanh", dtype="float32")(x)
        self._init_functional([z, c], outputs, dtype, name=name, **kwargs)
        self.image_shape = output_shape
        self.latent_dim, self.condition_dim = int(latent_dim), int(condition_dim)
        self.filters = int(filters)

    def get_config(self):
        return {**self._base_config(), "output_shape": self.image_shape,
                "latent_dim": self.latent_dim, "condition_dim": self.condition_dim,
                "filters": self.filters}
