"""DCGAN: transposed convolutions with batch norm in G, strided convolutions in D."""

import keras

from kerasgan.engine.gan import GAN
from kerasgan.models.networks import ConvDiscriminator
from kerasgan.models.networks import ConvGenerator


@keras.saving.register_keras_serializable(package="kerasgan")
class DCGAN(GAN):
    """Deep convolutional GAN (Radford et al. 2015).

    G (`kerasgan.models.networks.ConvGenerator`): transposed convolutions with batch
    norm and LeakyReLU, tanh output in [-1, 1]; D
    (`kerasgan.models.networks.ConvDiscriminator`): strided convolutions with
    LeakyReLU(0.2) and dropout, no pooling. Image sides
    of the form s·2^k with s in 4..7 (28, 32, 64, 128, ...), 1 or 3 channels (any
    number, in fact). For 28×28×1 the defaults are the reference net used for speed
    comparisons (`docs/performance.md`).

    Args:
        latent_dim: size of the latent vector.
        data_shape: `(height, width, channels)` (`image_shape` is accepted as an
            alias, the name used before 0.2).
        g_filters: filters of G's last hidden block; each earlier block doubles them.
        d_filters: filters of D's first block; each later block doubles them.
        dropout: D's dropout rate.
        n_critic: discriminator steps per generator step.
        seed: seed of the training RNG.

    Example:

    ```python
    gan = kerasgan.models.DCGAN(latent_dim=100, data_shape=(28, 28, 1))
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(images, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1511.06434
    """

    def __init__(
        self,
        latent_dim=100,
        data_shape=(28, 28, 1),
        g_filters=64,
        d_filters=64,
        dropout=0.3,
        n_critic=1,
        seed=None,
        image_shape=None,
        **kwargs,
    ):
        # `image_shape` is round 1's name for `data_shape` (kept for saved configs).
        image_shape = tuple(int(d) for d in (data_shape if image_shape is None else image_shape))
        if len(image_shape) != 3:
            raise ValueError(
                f"data_shape must be (height, width, channels); got {image_shape}."
            )
        super().__init__(
            generator=ConvGenerator(latent_dim, image_shape, filters=g_filters),
            discriminator=ConvDiscriminator(
                image_shape, filters=d_filters, dropout=dropout
            ),
            latent_dim=latent_dim,
            n_critic=n_critic,
            seed=seed,
            **kwargs,
        )
        self.image_shape = image_shape
        self.g_filters = g_filters
        self.d_filters = d_filters
        self.dropout = dropout

    def default_optimizers(self):
        """The paper's (Radford et al. 2015, §4): Adam(2e-4, β1=0.5) for both networks."""
        return {
            "g": keras.optimizers.Adam(2e-4, beta_1=0.5),
            "d": keras.optimizers.Adam(2e-4, beta_1=0.5),
        }

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.image_shape,
            "g_filters": self.g_filters,
            "d_filters": self.d_filters,
            "dropout": self.dropout,
        }
