"""Vanilla GAN: multilayer perceptrons for generator and discriminator."""

import keras

from kerasgan.engine.gan import GAN
from kerasgan.models.networks import MLPDiscriminator
from kerasgan.models.networks import MLPGenerator


def build_mlp_generator(latent_dim, data_shape, hidden_units, output_activation):
    """MLP generator: Dense+ReLU blocks, then Dense to the data size, reshaped
    (a `kerasgan.models.networks.MLPGenerator`)."""
    return MLPGenerator(
        latent_dim, data_shape, hidden_units, output_activation=output_activation
    )


def build_mlp_discriminator(data_shape, hidden_units):
    """MLP discriminator: Dense+LeakyReLU(0.2) blocks, then one logit
    (a `kerasgan.models.networks.MLPDiscriminator`)."""
    return MLPDiscriminator(data_shape, hidden_units)


@keras.saving.register_keras_serializable(package="kerasgan")
class VanillaGAN(GAN):
    """The original GAN of Goodfellow et al. (2014) with MLP networks
    (`kerasgan.models.networks.MLPGenerator` and `MLPDiscriminator`).

    Works on images (`data_shape=(28, 28, 1)`, tanh output in [-1, 1]) and on vectors
    such as the toy 2-D mixtures (`data_shape=(2,)`, `output_activation="linear"`).

    Args:
        latent_dim: size of the latent vector.
        data_shape: shape of one example.
        hidden_units: widths of the hidden layers of G (and, reversed, of D).
        output_activation: the generator's last activation: "tanh" for data in
            [-1, 1], "linear" for unbounded data.
        n_critic: discriminator steps per generator step.
        seed: seed of the training RNG.

    Example:

    ```python
    gan = kerasgan.models.VanillaGAN(latent_dim=2, data_shape=(2,),
                                     hidden_units=(128, 128),
                                     output_activation="linear")
    ```

    Paper: https://arxiv.org/abs/1406.2661
    """

    def __init__(
        self,
        latent_dim=64,
        data_shape=(28, 28, 1),
        hidden_units=(256, 512),
        output_activation="tanh",
        n_critic=1,
        seed=None,
        **kwargs,
    ):
        data_shape = tuple(int(d) for d in data_shape)
        hidden_units = tuple(int(u) for u in hidden_units)
        super().__init__(
            generator=MLPGenerator(
                latent_dim, data_shape, hidden_units, output_activation=output_activation
            ),
            discriminator=MLPDiscriminator(data_shape, hidden_units[::-1]),
            latent_dim=latent_dim,
            n_critic=n_critic,
            seed=seed,
            **kwargs,
        )
        self.hidden_units = hidden_units
        self.output_activation = output_activation

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "hidden_units": self.hidden_units,
            "output_activation": self.output_activation,
        }
