"""LSGAN: DCGAN-style networks trained with the least-squares loss."""

import keras

from kerasgan.models.network_gan import NetworkGAN


@keras.saving.register_keras_serializable(package="kerasgan")
class LSGAN(NetworkGAN):
    """Least Squares GAN (Mao et al. 2017).

    The discriminator regresses real data to 1 and fakes to 0 and the generator pulls
    its samples' scores to 1 (`kerasgan.losses.LeastSquares`, the paper's a=0, b=c=1
    scheme). Fakes far on the right side of the decision boundary are still penalised,
    which gives the generator gradients where the sigmoid cross-entropy saturates.
    Networks: DCGAN-style for images, MLPs for vectors (see `NetworkGAN`).
    Defaults: loss "least_squares", Adam(2e-4, β1=0.5) for both networks.

    Args:
        see `kerasgan.models.NetworkGAN`.

    Example:

    ```python
    gan = kerasgan.models.LSGAN(latent_dim=64, data_shape=(28, 28, 1))
    gan.compile()
    gan.fit(images, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1611.04076
    """

    default_loss = "least_squares"
    default_dropout = 0.3
