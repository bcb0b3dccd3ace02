"""BigGAN: class-conditional, residual, self-attention, skip-z, orthogonal reg, truncation."""

import keras
import numpy as np

from kerasgan.engine.gan import GAN
from kerasgan.engine.gan import count_argument
from kerasgan.engine.regularize import Regularize
from kerasgan.losses.regularizers import OrthogonalRegularization
from kerasgan.models.big_gan.big_gan_discriminator import BigGANDiscriminator
from kerasgan.models.big_gan.big_gan_generator import BigGANGenerator
from kerasgan.models.class_conditional import ClassConditional
from kerasgan.models.class_conditional import check_num_classes
from kerasgan.models.network_gan import adam


def truncated_normal(rng, shape, threshold):
    """Standard normal values with every one beyond ±`threshold` drawn again.

    BigGAN's truncation trick: latents resampled until they fall inside the
    threshold trade variety for fidelity. Deterministic given the NumPy `rng`.
    """
    if not threshold > 0:
        raise ValueError(
            f"truncation must be a positive threshold (e.g. 0.5, 1.0, 2.0) or None; "
            f"got {threshold!r}."
        )
    values = rng.standard_normal(shape)
    outside = np.abs(values) > threshold
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > threshold
    return values.astype("float32")


@keras.saving.register_keras_serializable(package="kerasgan")
class BigGAN(ClassConditional, GAN):
    """BigGAN (Brock et al. 2019): the large-scale class-conditional GAN.

    Residual generator and discriminator (`BigGANGenerator`, `BigGANDiscriminator`)
    with self-attention and spectral normalization in both; the generator's batch
    norms are conditioned on a class embedding shared by all blocks joined to a chunk
    of the latent vector (hierarchical latents); the discriminator is a projection
    discriminator. `compile()` with no arguments uses the paper's training setup:
    the hinge loss, Adam with β1 = 0, β2 = 0.999, the learning rates 5e-5 for G and
    2e-4 for D with 2 D steps per G step (TTUR), and orthogonal regularization
    (β = 1e-4) on G's weights except the shared embedding. An exponential moving
    average of G (decay 0.9999, with the engine's warm-up) draws the samples, and
    `generate(..., truncation=t)` applies the truncation trick.

    The paper trains at batch 2048 for ~10^5 steps; on a small dataset and a short
    run, larger learning rates (e.g. 2e-4 for both) and `ema_decay=0.999` suit
    better.

    Args:
        num_classes: number of classes.
        latent_dim: size of the latent vector; a multiple of blocks + 1 (120 divides
            for every image size from 28 to 128).
        data_shape: `(height, width, channels)`.
        g_filters, d_filters: channels of every block of G and D (the paper's 32×32
            nets: 256).
        shared_dim: size of G's shared class embedding (128 in the paper).
        attention: self-attention at half the image's side, in G and D.
        n_critic: D steps per G step.
        seed, ema_decay, **kwargs: `kerasgan.GAN` arguments.

    Example:

    ```python
    gan = kerasgan.models.BigGAN(num_classes=10, data_shape=(32, 32, 1))
    gan.compile()
    gan.fit(images, labels, batch_size=64, epochs=5)
    threes = gan.generate(16, labels=[3] * 16, truncation=0.5, seed=0)
    ```

    Paper: https://arxiv.org/abs/1809.11096
    """

    def __init__(self, num_classes=10, latent_dim=120, data_shape=(32, 32, 3),
                 g_filters=64, d_filters=64, shared_dim=128, attention=True,
                 n_critic=2, seed=None, ema_decay=0.9999, **kwargs):
        self.num_classes = check_num_classes(num_classes)
        self.g_filters, self.d_filters = int(g_filters), int(d_filters)
        self.shared_dim, self.attention = int(shared_dim), bool(attention)
        generator = BigGANGenerator(latent_dim, data_shape, self.num_classes,
                                    filters=self.g_filters, shared_dim=self.shared_dim,
                                    attention=self.attention)
        discriminator = BigGANDiscriminator(data_shape, self.num_classes,
                                            filters=self.d_filters,
                                            attention=self.attention)
        super().__init__(generator, discriminator, latent_dim, n_critic=n_critic,
                         seed=seed, ema_decay=ema_decay, **kwargs)

    def default_optimizers(self):
        return {"g": adam(5e-5, 0.0, 0.999), "d": adam(2e-4, 0.0, 0.999)}

    def compile(self, g_optimizer=None, d_optimizer=None, loss="hinge",
                regularizers=None, **kwargs):
        """`GAN.compile` with BigGAN's defaults: hinge loss, the paper's Adam settings
        and, when `regularizers` is None, orthogonal regularization of G (pass `[]`
        for none)."""
        if regularizers is None:
            regularizers = [Regularize(OrthogonalRegularization(1e-4), network="generator")]
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=loss,
                        regularizers=regularizers, **kwargs)

    def generate(self, n, seed=None, labels=None, truncation=None, batch_size=256):
        """Generates `n` images of the given classes, NumPy, in [-1, 1].

        Args:
            n: number of images.
            seed: seed of the NumPy latents (the same images on every backend).
            labels: one class per image.
            truncation: None, or a threshold t > 0: latent values beyond ±t are
                drawn again (the truncation trick; smaller t: less variety, higher
                fidelity).
            batch_size: generator batch size.
        """
        latents = self.latents_for(n, seed, truncation)
        return self.generate_from_latents(latents, labels=labels, batch_size=batch_size)

    def latents_for(self, n, seed=None, truncation=None):
        """The latents `generate(n, seed, truncation=...)` uses."""
        if truncation is None:
            return super().latents_for(n, seed)
        n = count_argument(n, "n")
        return truncated_normal(np.random.default_rng(seed), (n, self.latent_dim),
                                truncation)

    def get_config(self):
        return {
            **self._base_config(),
            "num_classes": self.num_classes,
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "g_filters": self.g_filters,
            "d_filters": self.d_filters,
            "shared_dim": self.shared_dim,
            "attention": self.attention,
        }
