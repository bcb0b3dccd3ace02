"""StackGAN's discriminator: judges whether an image is real and matches its text."""

import keras
from keras import layers

from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

#: The side of the feature map the text is joined to (4×4, as in the paper).
JOIN_SIDE = 4


@keras.saving.register_keras_serializable(package="kerasgan")
class TextImageDiscriminator(Network):
    """A matching-aware discriminator of (image, text embedding) pairs.

    The image goes through stride-2 4×4 convolutions (LeakyReLU 0.2, batch norm
    after the first) down to a 4×4 map; the text embedding is compressed by a dense
    layer to `text_dim` (N_d), replicated over the 4×4 map and joined to it; a 1×1
    convolution + BN + LeakyReLU and a dense layer give one logit (Zhang et al.
    2017, §3.2). The same class serves both stages (stage I: 16×16 images, stage
    II: 32×32, one more down-sampling).

    Args:
        data_shape: `(height, width, channels)` of the images judged; sides a
            power-of-two multiple of 4.
        embedding_dim: size of the text embedding.
        text_dim: size of the compressed embedding (N_d; 128 in the paper).
        filters: channels of the first convolution; later ones double, up to 8×.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    d = kerasgan.models.TextImageDiscriminator((16, 16, 1), embedding_dim=32)
    d([np.zeros((2, 16, 16, 1)), np.zeros((2, 32))]).shape  # (2, 1)
    ```

    Paper: https://arxiv.org/abs/1612.03242
    """

    def __init__(self, data_shape, embedding_dim, text_dim=16, filters=32,
                 name="discriminator", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        steps = image_blocks.halvings(data_shape, 8)
        while steps and data_shape[0] >> steps < JOIN_SIDE:
            steps -= 1
        if data_shape[0] >> steps != JOIN_SIDE or data_shape[1] >> steps != JOIN_SIDE:
            raise ValueError(
                f"TextImageDiscriminator needs square images whose side is 4 × a power of "
                f"two (8, 16, 32, ...); got {data_shape}."
            )
        image = keras.Input(data_shape, name="image")
        embedding = keras.Input((int(embedding_dim),), name="embedding")
        x = image
        for i in range(steps):
            layer = image_blocks.conv(filters * min(2**i, 8), 4, 2, i == 0, dtype)
            x = layers.LeakyReLU(0.2, dtype=dtype)(image_blocks.normalized(
                x, layer, "none" if i == 0 else "batch", dtype))
        text = layers.Dense(int(text_dim), kernel_initializer=image_blocks.init(), dtype=dtype)(embedding)
        text = layers.LeakyReLU(0.2, dtype=dtype)(text)
        text = layers.UpSampling2D(JOIN_SIDE, dtype=dtype)(
            layers.Reshape((1, 1, int(text_dim)), dtype=dtype)(text))
        x = layers.Concatenate(dtype=dtype)([x, text])
        x = image_blocks.normalized(
            x, image_blocks.conv(filters * min(2 ** (steps - 1), 8), 1, 1, False, dtype), "batch", dtype)
        x = layers.Flatten(dtype=dtype)(layers.LeakyReLU(0.2, dtype=dtype)(x))
        outputs = layers.Dense(1, kernel_initializer=image_blocks.init(), dtype="float32")(x)
        self._init_functional([image, embedding], outputs, dtype, name=name, **kwargs)
        self.data_shape, self.embedding_dim = data_shape, int(embedding_dim)
        self.text_dim, self.filters = int(text_dim), int(filters)

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "embedding_dim": self.embedding_dim, "text_dim": self.text_dim,
                "filters": self.filters}
