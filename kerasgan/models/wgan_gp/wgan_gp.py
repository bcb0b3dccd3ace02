"""WGAN-GP: a Wasserstein critic kept Lipschitz by a gradient penalty."""

import keras

from kerasgan.models.network_gan import NetworkGAN
from kerasgan.models.network_gan import adam


@keras.saving.register_keras_serializable(package="kerasgan")
class WGANGP(NetworkGAN):
    """Wasserstein GAN with gradient penalty (Gulrajani et al. 2017).

    Replaces WGAN's weight clipping by the penalty λ·E[(‖∇D(x̂)‖₂ − 1)²] on random
    interpolates x̂ of real and fake (`kerasgan.losses.GradientPenalty`, λ = 10). The
    critic has no batch norm (the penalty is per example). Defaults: loss
    "wasserstein", gradient_penalty "wgan_gp", n_critic 5, Adam(1e-4, β1=0, β2=0.9).

    Args:
        see `kerasgan.models.NetworkGAN`.

    Example:

    ```python
    gan = kerasgan.models.WGANGP(latent_dim=64, data_shape=(28, 28, 1))
    gan.compile()  # or compile(penalty_weight=...)
    gan.fit(images, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1704.00028
    """

    default_loss = "wasserstein"
    default_gradient_penalty = "wgan_gp"
    default_n_critic = 5
    # Each critic step trains on its own real batch, as in the paper's Algorithm 1.
    fresh_critic_batches = True

    def default_optimizers(self):
        return {"g": adam(1e-4, 0.0, 0.9), "d": adam(1e-4, 0.0, 0.9)}
