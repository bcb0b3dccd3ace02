"""Gradient penalties on the discriminator, in `keras.ops` plus one backend adapter.

A penalty is called with `critic`, the discriminator as a function of its input,
which the GAN calls with `training=False`: a second
stateful call (dropout RNG, batch-norm statistics, spectral-norm power iteration)
inside a nested differentiation is not expressible on JAX and fails in-place on
torch, and the penalty is a property of the function D, not of its noise.
See `kerasgan.losses.DiscriminatorPenalty` for the contract.
"""

import keras
from keras import ops

from kerasgan import backend
from kerasgan.losses.regularizer import DiscriminatorPenalty
from kerasgan.losses.regularizer import Regularizer
from kerasgan.losses.regularizer import resolve


def _squared_norm_per_example(gradient):
    flat = ops.reshape(gradient, (ops.shape(gradient)[0], -1))
    return ops.sum(ops.square(flat), axis=1)


@keras.saving.register_keras_serializable(package="kerasgan")
class GradientPenalty(DiscriminatorPenalty):
    """WGAN-GP penalty (Gulrajani et al. 2017): weight * E[(||∇D(x̂)||₂ - 1)²].

    x̂ = α·real + (1-α)·fake with α ~ U(0, 1) drawn once per example.
    https://arxiv.org/abs/1704.00028

    Args:
        weight: λ, 10 in the paper.
    """

    name = "wgan_gp"
    default_weight = 10.0

    def __call__(self, critic, real, fake, seed_generator):
        batch = ops.shape(real)[0]
        alpha_shape = (batch,) + (1,) * (len(real.shape) - 1)
        # Per example and per replica (data parallel): the global batch's draw.
        alpha = backend.replica_rows(
            lambda n: keras.random.uniform(
                (n,) + alpha_shape[1:], seed=seed_generator, dtype=real.dtype
            ),
            batch,
        )
        interpolated = alpha * real + (1.0 - alpha) * ops.cast(fake, real.dtype)
        gradient = backend.input_gradient(critic, interpolated)
        norm = ops.sqrt(_squared_norm_per_example(gradient) + 1e-12)
        return self.weight * ops.mean(ops.square(norm - 1.0))


@keras.saving.register_keras_serializable(package="kerasgan")
class R1Penalty(DiscriminatorPenalty):
    """R1 penalty (Mescheder et al. 2018): weight/2 * E[||∇D(real)||²].

    https://arxiv.org/abs/1801.04406

    Args:
        weight: γ; 10 is common at low resolution.
    """

    name = "r1"
    default_weight = 10.0
    uses_fake = False  # the gradient at real data only: no generator call

    def __call__(self, critic, real, fake, seed_generator):
        gradient = backend.input_gradient(critic, real)
        return 0.5 * self.weight * ops.mean(_squared_norm_per_example(gradient))


PENALTIES = {cls.name: cls for cls in (GradientPenalty, R1Penalty)}


def get_penalty(identifier, weight=None):
    """Returns a discriminator penalty, or None.

    Args:
        identifier: None; a name ("wgan_gp", "r1"); a dict `{"name": ..., "weight":
            ...}` or one from `keras.saving.serialize_keras_object`; or a
            `kerasgan.losses.DiscriminatorPenalty` (a user's own subclass included).
        weight: the weight when `identifier` does not give one (default: the
            class's `default_weight`).
    """
    if identifier is None:
        return None
    if isinstance(identifier, Regularizer) and not isinstance(
        identifier, DiscriminatorPenalty
    ):
        raise ValueError(
            f"{identifier!r} is not a discriminator penalty (it is called with other "
            "arguments than (critic, real, fake, seed_generator)); attach it to the "
            "phase it regularizes instead."
        )
    return resolve(
        identifier, PENALTIES, DiscriminatorPenalty, "gradient penalty", weight
    )
