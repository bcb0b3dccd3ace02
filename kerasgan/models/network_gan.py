"""`NetworkGAN`: the base of the variants that declare their networks and training
defaults (loss, penalty, n_critic, optimizers) instead of writing them out."""

import keras

from kerasgan.engine.gan import GAN
from kerasgan.models.networks import build_discriminator
from kerasgan.models.networks import build_generator


def adam(learning_rate, beta_1, beta_2=0.999):
    return keras.optimizers.Adam(learning_rate, beta_1=beta_1, beta_2=beta_2)


@keras.saving.register_keras_serializable(package="kerasgan")
class NetworkGAN(GAN):
    """A GAN built from `kerasgan.models.networks` with declared training defaults.

    Images (`data_shape` of rank 3) get DCGAN-style convolutional nets, vectors (e.g.
    the toy 2-D mixtures, `data_shape=(2,)`) get MLPs. Subclasses set the class
    attributes below; `compile()` fills in what the caller leaves out.

    Class attributes:
        generator_options / discriminator_options: extra builder arguments
            (`spectral_norm`, `attention`, `norm`, `minibatch_stddev`, ...).
        default_loss, default_gradient_penalty, default_n_critic: training defaults
            (`default_optimizers()` gives the optimizers).
        default_dropout: D's dropout rate.

    Args:
        latent_dim: size of the latent vector.
        data_shape: shape of one example: `(height, width, channels)` or `(features,)`.
        g_filters / d_filters: conv widths (see `kerasgan.models.DCGAN`).
        hidden_units: MLP widths of G (and, reversed, of D) for vector data.
        n_critic: discriminator steps per generator step (None: the variant's default).
        minibatch_stddev: add a `MinibatchStdDev` layer before D's output.
        seed: seed of the training RNG.
        **kwargs: `kerasgan.GAN` arguments (`ema_decay`, `name`, `dtype`).
    """

    generator_options = {}
    discriminator_options = {}
    default_loss = "non_saturating"
    default_gradient_penalty = None
    default_n_critic = 1
    default_dropout = 0.0

    def __init__(
        self,
        latent_dim=100,
        data_shape=(28, 28, 1),
        g_filters=64,
        d_filters=64,
        hidden_units=(128, 128),
        n_critic=None,
        minibatch_stddev=False,
        seed=None,
        **kwargs,
    ):
        data_shape = tuple(int(d) for d in data_shape)
        hidden_units = tuple(int(u) for u in hidden_units)
        self.g_filters, self.d_filters = g_filters, d_filters
        self.hidden_units = hidden_units
        self.minibatch_stddev = bool(minibatch_stddev)
        generator = build_generator(
            latent_dim,
            data_shape,
            filters=g_filters,
            hidden_units=hidden_units,
            **self.generator_builder_options(),
        )
        discriminator = build_discriminator(
            data_shape,
            filters=d_filters,
            hidden_units=hidden_units[::-1],
            dropout=self.default_dropout,
            minibatch_stddev=self.minibatch_stddev,
            **self.discriminator_builder_options(),
        )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            n_critic=self.default_n_critic if n_critic is None else n_critic,
            seed=seed,
            **kwargs,
        )

    def generator_builder_options(self):
        return dict(self.generator_options)

    def discriminator_builder_options(self):
        return dict(self.discriminator_options)

    def default_optimizers(self):
        """`{"g": ..., "d": ...}` used for what compile() is not given."""
        return {"g": adam(2e-4, 0.5), "d": adam(2e-4, 0.5)}

    def compile(self, g_optimizer=None, d_optimizer=None, loss=None, **kwargs):
        """`GAN.compile` with the variant's defaults for what is left out."""
        kwargs.setdefault("gradient_penalty", self.default_gradient_penalty)
        super().compile(
            g_optimizer=g_optimizer,
            d_optimizer=d_optimizer,
            loss=self.default_loss if loss is None else loss,
            **kwargs,
        )

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "g_filters": self.g_filters,
            "d_filters": self.d_filters,
            "hidden_units": self.hidden_units,
            "minibatch_stddev": self.minibatch_stddev,
        }
