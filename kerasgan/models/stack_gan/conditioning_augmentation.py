"""StackGAN's conditioning augmentation: a Gaussian of the text embedding."""

import keras
from keras import layers
from keras import ops

from kerasgan.models.networks import Network


@keras.saving.register_keras_serializable(package="kerasgan")
class ConditioningAugmentation(Network):
    """The mean and log-variance of the conditioning Gaussian N(μ(e), Σ(e)).

    One dense layer maps the text embedding `e` to `[μ, log σ²]`, shape
    `(batch, 2 · condition_dim)` (Zhang et al. 2017, §3.1). The model draws
    `c = μ + σ ⊙ ε`, ε ~ N(0, I) (`reparameterize`), and adds
    `kl_divergence(μ, log σ²)` to the generator's loss, so that small changes of
    the text move `c` smoothly and the few captions give many conditions.

    Args:
        embedding_dim: size of the text embedding.
        condition_dim: size of `c` (N_g; 128 in the paper).
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    ca = kerasgan.models.ConditioningAugmentation(32, 16)
    mu, logvar = ops.split(ca(embedding), 2, axis=-1)
    ```

    Paper: https://arxiv.org/abs/1612.03242
    """

    def __init__(self, embedding_dim, condition_dim=16, name="conditioning", dtype=None,
                 **kwargs):
        embedding = keras.Input((int(embedding_dim),), name="embedding")
        outputs = layers.Dense(2 * int(condition_dim), dtype="float32")(embedding)
        self._init_functional(embedding, outputs, dtype, name=name, **kwargs)
        self.embedding_dim, self.condition_dim = int(embedding_dim), int(condition_dim)

    def get_config(self):
        return {**self._base_config(), "embedding_dim": self.embedding_dim,
                "condition_dim": self.condition_dim}


def split_statistics(statistics):
    """`(μ, log σ²)` from the network's `(batch, 2·condition_dim)` output."""
    mu, logvar = ops.split(statistics, 2, axis=-1)
    return mu, logvar


def reparameterize(mu, logvar, noise):
    """`c = μ + exp(log σ² / 2) ⊙ ε` for given noise ε (differentiable in μ, σ)."""
    return mu + ops.exp(0.5 * logvar) * noise


def kl_divergence(mu, logvar):
    """KL(N(μ, σ²) ‖ N(0, I)), summed over dimensions, averaged over the batch:
    `mean_b ½ Σ_i (μ_i² + σ_i² − log σ_i² − 1)`."""
    mu, logvar = ops.cast(mu, "float32"), ops.cast(logvar, "float32")
    per_example = 0.5 * ops.sum(ops.square(mu) + ops.exp(logvar) - logvar - 1.0, axis=-1)
    return ops.mean(per_example)
