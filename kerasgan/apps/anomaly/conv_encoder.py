"""`ConvEncoder`: an image to a latent vector (f-AnoGAN's encoder, GANomaly's G_E and E)."""

import keras
from keras import layers

from kerasgan.models import networks


@keras.saving.register_keras_serializable(package="kerasgan")
class ConvEncoder(networks.Network):
    """A DCGAN-style encoder: the discriminator's strided conv blocks, then a latent.

    The blocks are `ConvDiscriminator`'s (Conv with kernel 5 and stride 2, LeakyReLU(0.2),
    each doubling the filters down to a 4-to-7-px map), flattened and mapped to
    `latent_dim` by a linear Dense layer: an unbounded latent, as the Gaussian
    latents of the GANs it inverts.

    `get_config()` returns exactly the constructor's arguments; the class is
    registered as `"kerasgan>ConvEncoder"`.

    Args:
        latent_dim: size of the latent vector it outputs.
        data_shape: `(height, width, channels)` of the images; sides of the form
            s·2^k with s in 4..7 and k ≥ 2 (28, 32, 64, ...).
        filters: filters of the first block; each later block doubles them.
        name: the model's name.
        dtype: dtype policy of the layers (None: the global policy).
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    encoder = kerasgan.apps.anomaly.ConvEncoder(latent_dim=32, data_shape=(28, 28, 1))
    latents = encoder(images)  # (batch, 32)
    ```
    """

    def __init__(self, latent_dim, data_shape, filters=32, name="encoder", dtype=None,
                 **kwargs):
        latent_dim, filters = int(latent_dim), int(filters)
        data_shape = networks._image_shape(data_shape, type(self).__name__)
        policy = networks._policy(dtype)
        images = keras.Input(data_shape, name="images")
        x = networks.conv_discriminator_body(images, data_shape, filters, 0.0, dtype=policy)
        x = layers.Flatten(dtype=policy)(x)
        latents = layers.Dense(latent_dim, dtype="float32", name="latents")(x)
        self._init_functional(images, latents, dtype, name=name, **kwargs)
        self.latent_dim = latent_dim
        self.data_shape = data_shape
        self.filters = filters

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "filters": self.filters,
        }
