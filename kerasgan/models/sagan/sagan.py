"""SAGAN: self-attention and spectral norm in both networks, hinge loss, TTUR."""

import keras

from kerasgan.models.network_gan import NetworkGAN
from kerasgan.models.network_gan import adam


@keras.saving.register_keras_serializable(package="kerasgan")
class SAGAN(NetworkGAN):
    """Self-Attention GAN (Zhang et al. 2019).

    A `kerasgan.layers.SelfAttention2D` block lets both networks relate distant
    regions: in the generator before the output layer (the largest feature map),
    in the discriminator after the first block. Spectral normalization is applied
    to generator and discriminator; the hinge loss and the two time-scale update
    rule (TTUR: Adam(1e-4) for G, Adam(4e-4) for D, β1=0, β2=0.9) as in the paper.
    Images only (the attention is over spatial positions).

    Args:
        see `kerasgan.models.NetworkGAN`.

    Example:

    ```python
    gan = kerasgan.models.SAGAN(latent_dim=64, data_shape=(32, 32, 3))
    gan.compile()
    gan.fit(images, batch_size=64, epochs=5)
    ```

    Paper: https://arxiv.org/abs/1805.08318
    """

    generator_options = {"spectral_norm": True, "attention": True}
    discriminator_options = {"spectral_norm": True, "attention": True}
    default_loss = "hinge"

    def default_optimizers(self):
        return {"g": adam(1e-4, 0.0, 0.9), "d": adam(4e-4, 0.0, 0.9)}
