"""WGAN: a weight-clipped critic trained with the Wasserstein loss."""

import keras
from keras import ops

from kerasgan.models.network_gan import NetworkGAN


@keras.saving.register_keras_serializable(package="kerasgan")
class ClipValue(keras.constraints.Constraint):
    """Clips every weight into `[-clip_value, clip_value]`."""

    def __init__(self, clip_value):
        self.clip_value = float(clip_value)

    def __call__(self, w):
        return ops.clip(w, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}


@keras.saving.register_keras_serializable(package="kerasgan")
class WGAN(NetworkGAN):
    """Wasserstein GAN with weight clipping (Arjovsky et al. 2017).

    The critic (no sigmoid, no batch norm) estimates the Wasserstein-1 distance;
    it is kept roughly Lipschitz by clipping all its weights into `[-c, c]` after
    every update. Clipping is a constraint on every critic variable, which the
    optimizer applies right after its update on every backend (on JAX inside the
    jitted step too). The critic trains `n_critic=5` times per generator step.
    Defaults: loss "wasserstein", RMSprop(5e-5) for both networks, c = 0.01.

    Args:
        clip_value: c.
        critic_batch_norm: batch norm after every critic convolution but the first,
            as in the paper's DCGAN critic (its scale and shift are clipped too).
            Off by default: the critic is then a plain clipped network.
        other arguments: see `kerasgan.models.NetworkGAN`.

    Example:

    ```python
    gan = kerasgan.models.WGAN(latent_dim=64, data_shape=(28, 28, 1))
    gan.compile()
    gan.fit(images, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1701.07875
    """

    default_loss = "wasserstein"
    default_n_critic = 5
    # Each critic step trains on its own real batch, as in the paper's Algorithm 1.
    fresh_critic_batches = True

    def __init__(self, clip_value=0.01, critic_batch_norm=False, **kwargs):
        self.critic_batch_norm = bool(critic_batch_norm)
        super().__init__(**kwargs)
        self.clip_value = float(clip_value)
        for variable in self.discriminator.trainable_variables:
            variable.constraint = ClipValue(self.clip_value)
            variable.assign(ops.clip(variable, -self.clip_value, self.clip_value))

    def discriminator_builder_options(self):
        options = super().discriminator_builder_options()
        if self.critic_batch_norm:
            options["batch_norm"] = True
        return options

    def default_optimizers(self):
        return {"g": keras.optimizers.RMSprop(5e-5), "d": keras.optimizers.RMSprop(5e-5)}

    def get_config(self):
        return {
            **super().get_config(),
            "clip_value": self.clip_value,
            "critic_batch_norm": self.critic_batch_norm,
        }
