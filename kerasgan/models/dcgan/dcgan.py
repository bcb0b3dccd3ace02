"""DCGAN: transposed convolutions with batch norm in G, strided convolutions in D."""

import keras
from keras import layers

from kerasgan.engine.gan import GAN


def upsampling_steps(image_shape):
    """How many ×2 stages take a small seed map (4 to 7 px) to the image size."""
    height, width = image_shape[:2]
    steps = 0
    while height % 2 == 0 and width % 2 == 0 and min(height, width) // 2 >= 4:
        height, width, steps = height // 2, width // 2, steps + 1
    if steps < 2 or max(height, width) > 7:
        raise ValueError(
            f"DCGAN supports image sides of the form s·2^k with s in 4..7 and k ≥ 2 "
            f"(e.g. 28, 32, 64, 128); got image_shape={tuple(image_shape)}. Resize "
            "the images, e.g. with kerasgan.data.load(..., image_size=32)."
        )
    return steps, (height, width)


def build_dcgan_generator(latent_dim, image_shape, filters):
    """Dense → BN → LReLU → reshape, a stride-1 ConvT block, stride-2 ConvT blocks, tanh.

    For 28×28×1 and `filters=64` this is the reference net: Dense(7·7·256) →
    ConvT(128, s1) → ConvT(64, s2) → ConvT(1, s2, tanh), kernels 5.
    """
    steps, (height, width) = upsampling_steps(image_shape)
    width_filters = filters * 2**steps
    latents = keras.Input((latent_dim,), name="latents")
    x = layers.Dense(height * width * width_filters, use_bias=False)(latents)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU()(x)  # Keras default slope 0.3, as the TF DCGAN tutorial
    x = layers.Reshape((height, width, width_filters))(x)
    block_filters = [width_filters // 2] + [
        width_filters // 2 ** (i + 2) for i in range(steps - 1)
    ]
    block_strides = [1] + [2] * (steps - 1)
    for block, stride in zip(block_filters, block_strides):
        x = layers.Conv2DTranspose(
            block, 5, strides=stride, padding="same", use_bias=False
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU()(x)  # Keras default slope 0.3, as the TF DCGAN tutorial
    outputs = layers.Conv2DTranspose(
        image_shape[-1], 5, strides=2, padding="same", activation="tanh", dtype="float32"
    )(x)
    return keras.Model(latents, outputs, name="generator")


def build_dcgan_discriminator(image_shape, filters, dropout):
    """Strided Conv → LeakyReLU(0.2) → Dropout blocks, Flatten, Dense(1); no pooling."""
    steps, _ = upsampling_steps(image_shape)
    images = keras.Input(image_shape, name="images")
    x = images
    for i in range(steps):
        x = layers.Conv2D(filters * 2**i, 5, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    logits = layers.Dense(1, dtype="float32")(x)
    return keras.Model(images, logits, name="discriminator")


@keras.saving.register_keras_serializable(package="kerasgan")
class DCGAN(GAN):
    """Deep convolutional GAN (Radford et al. 2015).

    G: transposed convolutions with batch norm and LeakyReLU, tanh output in [-1, 1];
    D: strided convolutions with LeakyReLU(0.2) and dropout, no pooling. Image sides
    of the form s·2^k with s in 4..7 (28, 32, 64, 128, ...), 1 or 3 channels (any
    number, in fact). For 28×28×1 the defaults are the reference net used for speed
    comparisons (`docs/performance.md`).

    Args:
        latent_dim: size of the latent vector.
        image_shape: `(height, width, channels)`.
        g_filters: filters of G's last hidden block; each earlier block doubles them.
        d_filters: filters of D's first block; each later block doubles them.
        dropout: D's dropout rate.
        n_critic: discriminator steps per generator step.
        seed: seed of the training RNG.

    Example:

    ```python
    gan = kerasgan.models.DCGAN(latent_dim=100, image_shape=(28, 28, 1))
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(images, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1511.06434
    """

    def __init__(
        self,
        latent_dim=100,
        image_shape=(28, 28, 1),
        g_filters=64,
        d_filters=64,
        dropout=0.3,
        n_critic=1,
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(int(d) for d in image_shape)
        if len(image_shape) != 3:
            raise ValueError(
                f"image_shape must be (height, width, channels); got {image_shape}."
            )
        super().__init__(
            generator=build_dcgan_generator(latent_dim, image_shape, g_filters),
            discriminator=build_dcgan_discriminator(image_shape, d_filters, dropout),
            latent_dim=latent_dim,
            n_critic=n_critic,
            seed=seed,
            **kwargs,
        )
        self.image_shape = image_shape
        self.g_filters = g_filters
        self.d_filters = d_filters
        self.dropout = dropout

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "image_shape": self.image_shape,
            "g_filters": self.g_filters,
            "d_filters": self.d_filters,
            "dropout": self.dropout,
        }
