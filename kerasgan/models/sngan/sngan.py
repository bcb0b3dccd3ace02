"""SNGAN: a spectrally normalized discriminator with the hinge loss."""

import keras

from kerasgan.models.network_gan import NetworkGAN


@keras.saving.register_keras_serializable(package="kerasgan")
class SNGAN(NetworkGAN):
    """Spectral normalization GAN (Miyato et al. 2018).

    Every layer of the discriminator is wrapped in `kerasgan.layers.
    SpectralNormalization`, which divides its kernel by an estimate of the largest
    singular value (one power iteration per training step), so each layer is
    1-Lipschitz. Trained with the hinge loss. Defaults: loss "hinge", Adam(2e-4,
    β1=0.5) for both networks, n_critic 1 (the paper's DCGAN-style setting).

    Args:
        see `kerasgan.models.NetworkGAN`.

    Example:

    ```python
    gan = kerasgan.models.SNGAN(latent_dim=64, data_shape=(32, 32, 3))
    gan.compile()
    gan.fit(images, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1802.05957
    """

    discriminator_options = {"spectral_norm": True}
    default_loss = "hinge"
