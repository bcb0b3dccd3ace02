"""StyleGAN's mapping network: latents z to intermediate latents w."""

import keras

from kerasgan.layers.equalized import EqualizedDense
from kerasgan.layers.pixel_normalization import PixelNormalization
from kerasgan.models.networks import Network


@keras.saving.register_keras_serializable(package="kerasgan")
class MappingNetwork(Network):
    """z `(batch, latent_dim)` → w `(batch, w_dim)`: normalize z, then an MLP.

    z is normalized to unit second moment (`PixelNormalization`), then passes
    `layers` equalized-learning-rate dense layers with leaky ReLU (slope 0.2,
    gain √2) and the learning-rate multiplier `lr_multiplier` (0.01 in the paper:
    the mapping learns 100× slower than the synthesis network), as StyleGAN2's
    `MappingNetwork`.

    Args:
        latent_dim: size of z.
        w_dim: size of w (default `latent_dim`).
        layers: dense layers (8 in the paper).
        lr_multiplier: their learning-rate multiplier.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    mapping = kerasgan.models.MappingNetwork(128, layers=2)
    mapping(np.zeros((4, 128), "float32")).shape  # (4, 128)
    ```

    Paper: Karras et al. 2019, https://arxiv.org/abs/1812.04948 (Section 2).
    """

    def __init__(self, latent_dim, w_dim=None, layers=8, lr_multiplier=0.01,
                 name="mapping", dtype=None, **kwargs):
        latent_dim = int(latent_dim)
        w_dim = latent_dim if w_dim is None else int(w_dim)
        if int(layers) < 1:
            raise ValueError(f"The mapping network needs at least 1 layer; got {layers}.")
        inputs = keras.Input((latent_dim,), name="z")
        x = PixelNormalization(dtype=dtype)(inputs)
        for _ in range(int(layers)):
            x = EqualizedDense(w_dim, lr_multiplier=lr_multiplier, activation="lrelu",
                               dtype=dtype)(x)
        self._init_functional(inputs, x, dtype, name=name, **kwargs)
        self.latent_dim, self.w_dim = latent_dim, w_dim
        self.layer_count, self.lr_multiplier = int(layers), float(lr_multiplier)

    def get_config(self):
        return {**self._base_config(), "latent_dim": self.latent_dim, "w_dim": self.w_dim,
                "layers": self.layer_count, "lr_multiplier": self.lr_multiplier}
