"""Regularizers of the generator and of weights: StyleGAN2's path length, MSGAN's
mode seeking, BigGAN's orthogonal regularization. See `kerasgan.losses.Regularizer` for the contract."""

import math

import keras
from keras import ops

from kerasgan import backend
from kerasgan.losses.penalties import PENALTIES
from kerasgan.losses.regularizer import GeneratorRegularizer
from kerasgan.losses.regularizer import Regularizer
from kerasgan.losses.regularizer import WeightRegularizer
from kerasgan.losses.regularizer import resolve


@keras.saving.register_keras_serializable(package="kerasgan")
class PathLengthPenalty(GeneratorRegularizer):
    """Path-length regularization (StyleGAN2, Karras et al. 2020) of the generator.

    For latents w and y ~ N(0, I)/√(H·W) of the shape of the images G(w),
    the path length of each example is `pl = ||J_wᵀ y||₂`, J_w the Jacobian of
    G at w; for per-layer latents `(batch, n, dim)` the squared norm over `dim` is
    averaged over the n layers before the square root, as in the reference code
    (NVlabs/stylegan2-ada-pytorch, training/loss.py). A running mean `a` of pl
    (exponential moving average with rate `decay`, starting at 0) is updated every
    call, and the term is `weight · E[(pl - a)²]` with the updated `a`, through
    which, as in the reference, the batch mean of pl also receives gradient.
    https://arxiv.org/abs/1912.04958

    `J_wᵀ y` is `kerasgan.backend.input_gradient(lambda w: G(w) · y, w)`, itself
    differentiable, so the term trains G's weights. It is taken at fixed latents:
    its gradient does not reach whatever produced them (StyleGAN2's mapping network
    also receives it in the reference code), which keeps the three backends alike.
    The noise is drawn from the model's seed generator; its shape comes from one
    extra call of `synthesis` whose result is otherwise unused (pruned by `jax.jit`
    and `tf.function`, run without a gradient graph on torch).

    State: the running mean, a non-trainable float32 scalar `keras.Variable`
    (`running_mean`, created by `build()`), which the engine must make a variable
    of the model.

    Called as `penalty(synthesis, latents, seed_generator)` (see
    `kerasgan.losses.GeneratorRegularizer`); in StyleGAN2 as a lazy regularizer:
    a phase of its own every 4 steps, its loss scaled by 4.

    Args:
        weight: the weight (`pl_weight`), 2 in the reference code.
        decay: the rate of the running mean (`pl_decay`), 0.01.
        batch_shrink: the term is computed on the first `batch // batch_shrink`
            latents of the batch it is given (at least one), 2 in the reference
            code (`pl_batch_shrink`).
    """

    name = "path_length"
    default_weight = 2.0

    def __init__(self, weight=None, decay=0.01, batch_shrink=2):
        super().__init__(weight)
        decay = float(decay)
        if not 0.0 < decay <= 1.0:
            raise ValueError(f"decay must lie in (0, 1], e.g. 0.01; got {decay}.")
        if int(batch_shrink) != batch_shrink or batch_shrink < 1:
            raise ValueError(
                f"batch_shrink must be a positive integer, e.g. 2; got {batch_shrink!r}."
            )
        self.decay = decay
        self.batch_shrink = int(batch_shrink)
        self.running_mean = None

    def build(self):
        """Creates `running_mean`, the running mean of the path length (0 at first)."""
        if self.running_mean is None:
            self.running_mean = keras.Variable(
                0.0,
                dtype="float32",
                trainable=False,
                autocast=False,
                name="path_length_mean",
            )
        self.built = True

    @property
    def variables(self):
        return [] if self.running_mean is None else [self.running_mean]

    def get_config(self):
        return {
            "weight": self.weight,
            "decay": self.decay,
            "batch_shrink": self.batch_shrink,
        }

    def __call__(self, synthesis, latents, seed_generator):
        if self.running_mean is None:
            raise RuntimeError(
                "PathLengthPenalty keeps a running mean of the path length in a "
                "variable: call its build() once before the train step (and make "
                "`penalty.variables` variables of the model), not inside it."
            )
        latents = ops.stop_gradient(self.shrink(ops.convert_to_tensor(latents)))
        noise = self.noise(self._output_shape(synthesis, latents), seed_generator)
        lengths = self.path_lengths(synthesis, latents, noise)
        previous = ops.convert_to_tensor(self.running_mean)
        mean = previous + self.decay * (ops.mean(lengths) - previous)
        self.running_mean.assign(ops.stop_gradient(mean))
        return self.weight * ops.mean(ops.square(lengths - mean))

    def shrink(self, latents):
        """The first `batch // batch_shrink` latents (at least one)."""
        if self.batch_shrink == 1:
            return latents
        batch = ops.shape(latents)[0]
        if isinstance(batch, int):
            return latents[: max(1, batch // self.batch_shrink)]
        return latents[: ops.maximum(batch // self.batch_shrink, 1)]

    @staticmethod
    def _output_shape(synthesis, latents):
        with backend.no_grad():
            images = synthesis(latents)
        shape = [ops.shape(latents)[0]]
        for axis, size in enumerate(images.shape[1:], start=1):
            shape.append(size if size is not None else ops.shape(images)[axis])
        return tuple(shape)

    def noise(self, shape, seed_generator):
        """y ~ N(0, I) / √(H·W) of the images' shape (channels last).

        H·W is the product of the axes between the batch and the channels (1 for
        data `(batch, features)`), so that `||J_wᵀ y||` does not grow with the
        resolution.
        """
        spatial = math.prod(int(size) for size in shape[1:-1])
        normal = keras.random.normal(shape, seed=seed_generator, dtype="float32")
        return normal / math.sqrt(spatial)

    @staticmethod
    def path_lengths(synthesis, latents, noise):
        """`||J_wᵀ y||₂` per example (float32, shape `(batch,)`) for the noise y."""
        noise = ops.cast(noise, "float32")

        def projected(w):
            return ops.cast(synthesis(w), "float32") * noise

        gradient = backend.input_gradient(projected, ops.convert_to_tensor(latents))
        squared = ops.sum(ops.square(ops.cast(gradient, "float32")), axis=-1)
        if len(squared.shape) > 1:
            squared = ops.mean(ops.reshape(squared, (ops.shape(squared)[0], -1)), axis=1)
        # As in the WGAN-GP norm: a zero gradient gives a zero, not a NaN, gradient.
        return ops.sqrt(squared + 1e-12)


@keras.saving.register_keras_serializable(package="kerasgan")
class ModeSeeking(GeneratorRegularizer):
    """Mode-seeking regularization (MSGAN, Mao et al. 2019) of the generator.

    For the phase's latents z₁ and fresh latents z₂ ~ N(0, I) with the same labels
    (the engine closes `synthesis` over them), the ratio of the distance between
    the images to the distance between the latents,
    `r = mean|G(z₁) − G(z₂)| / mean|z₁ − z₂|` (means over every element of the
    batch), should not be small: a conditional generator that draws one image per
    class whatever its latent has r ≈ 0. The term is `weight / (r + epsilon)`, as in
    the reference code (HelenMao/MSGAN, `loss_lz = 1 / (lz + eps)`, weight 1).
    https://arxiv.org/abs/1903.05628

    Use it where the generator's input is the latent z ~ N(0, I) (not StyleGAN's
    w): `Regularize("mode_seeking")` on the generator, every step. It costs two
    more generator passes per step.

    Args:
        weight: λ_ms, 1 in the paper's conditional experiments.
        epsilon: keeps the term finite when r = 0 (1e-5 in the reference code).
    """

    name = "mode_seeking"
    default_weight = 1.0

    def __init__(self, weight=None, epsilon=1e-5):
        super().__init__(weight)
        epsilon = float(epsilon)
        if not epsilon > 0:
            raise ValueError(f"epsilon must be > 0, e.g. 1e-5; got {epsilon}.")
        self.epsilon = epsilon

    def get_config(self):
        return {"weight": self.weight, "epsilon": self.epsilon}

    def __call__(self, synthesis, latents, seed_generator):
        first = ops.stop_gradient(ops.convert_to_tensor(latents, "float32"))
        if len(first.shape) != 2:
            raise ValueError(
                "ModeSeeking draws latents z ~ N(0, I) of shape (batch, dim); the "
                f"generator's input here has shape {first.shape}."
            )
        second = keras.random.normal(ops.shape(first), seed=seed_generator, dtype="float32")
        return self.weight / (self.ratio(synthesis, first, second) + self.epsilon)

    @staticmethod
    def ratio(synthesis, first, second):
        """`mean|G(z₁) − G(z₂)| / mean|z₁ − z₂|`, a float32 scalar."""
        images = ops.cast(synthesis(first), "float32")
        others = ops.cast(synthesis(second), "float32")
        return ops.mean(ops.abs(images - others)) / ops.mean(ops.abs(first - second))


@keras.saving.register_keras_serializable(package="kerasgan")
class OrthogonalRegularization(WeightRegularizer):
    """Orthogonal regularization as in BigGAN (Brock et al. 2019), a weight regularizer.

    `weight · Σ_W ||WᵀW ⊙ (1 - I)||²_F` over the given variables of rank ≥ 2
    (kernels; biases and scales are skipped), each reshaped to `(fan_in, units)`
    (all axes but the last, by the last): the inner products between the filters
    of different output units are pushed to zero, their norms are left free.
    https://arxiv.org/abs/1809.11096 (Section 3.1)

    BigGAN-PyTorch (`utils.ortho`) adds `strength · 2·W·(WᵀW ⊙ (1 - I))` to the
    gradient, which is the gradient of this term with `weight = strength / 2`;
    BigGAN used strength 1e-4. Choose the variables as it does: the kernels of the
    network, without class embeddings (which it excludes).

    Called as `regularizer(variables)`, e.g. with
    `generator.trainable_variables`.

    Args:
        weight: β, 1e-4 in the paper.
    """

    name = "orthogonal"
    default_weight = 1e-4

    def __call__(self, variables):
        terms = [self.off_diagonal_gram_norm(v) for v in variables if len(v.shape) >= 2]
        if not terms:
            return ops.zeros((), "float32")
        return self.weight * ops.sum(ops.stack(terms))

    @staticmethod
    def off_diagonal_gram_norm(kernel):
        """`||WᵀW ⊙ (1 - I)||²_F` of one kernel, W reshaped to `(fan_in, units)`."""
        units = kernel.shape[-1]
        w = ops.reshape(ops.cast(kernel, "float32"), (-1, units))
        gram = ops.matmul(ops.transpose(w), w)
        off_diagonal = gram * (1.0 - ops.eye(units, dtype="float32"))
        return ops.sum(ops.square(off_diagonal))


_GENERAL = (PathLengthPenalty, ModeSeeking, OrthogonalRegularization)
#: Every built-in penalty and regularizer by name, of all families.
REGULARIZERS = {**PENALTIES, **{cls.name: cls for cls in _GENERAL}}


def get_regularizer(identifier, weight=None):
    """Returns a penalty or regularizer of any family, or None.

    Args:
        identifier: None; a name of `REGULARIZERS` ("wgan_gp", "r1",
            "path_length", "orthogonal"); a dict `{"name": ..., **arguments}` or
            one from `keras.saving.serialize_keras_object`; or a
            `kerasgan.losses.Regularizer` (a user's own subclass included).
        weight: the weight when `identifier` does not give one.
    """
    if identifier is None:
        return None
    return resolve(identifier, REGULARIZERS, Regularizer, "regularizer", weight)
