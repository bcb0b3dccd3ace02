"""`Regularizer`: the base class of the penalties and regularizers phases add to a loss.

Three families, told apart by what they are called with:

- `DiscriminatorPenalty`: `penalty(critic, real, fake, seed_generator)`: WGAN-GP, R1.
- `GeneratorRegularizer`: `regularizer(synthesis, latents, seed_generator)`: the
  path-length term of StyleGAN2.
- `WeightRegularizer`: `regularizer(variables)`: orthogonal regularization (BigGAN),
  on the variables of either network.
"""

import math

import keras

from kerasgan.losses.configurable import Configurable


class Regularizer(Configurable):
    """A weighted scalar term that a training phase adds to its loss.

    Contract:

    - `name` (class attribute): the name the term is logged under ("wgan_gp",
      "r1", "path_length", "orthogonal") and its key in the registries of
      names; a subclass sets its own.
    - `weight`: the multiplier, applied by `__call__` itself: the returned value
      is what the phase adds to its loss.
    - `__call__(...)` returns the weighted term, a float32 scalar, written in
      `keras.ops` (plus `kerasgan.backend.input_gradient` where it needs the
      gradient of a network with respect to its input). It runs inside the train
      step (traced by `tf.function` and `jax.jit`, inside the phase's gradient
      computation), so it must not create variables. Its arguments are those of the
      family (the subclasses below). Functions of networks it is given (`critic`,
      `synthesis`) are called by it, possibly inside a nested differentiation, so
      they must be stateless: the engine passes networks called with
      `training=False`, and the regularizer draws its randomness from the
      `seed_generator` it is given, outside any nested gradient.
    - `build()` creates the state the term keeps across steps (non-trainable
      `keras.Variable`s, e.g. the path-length running mean), once, outside the
      train step, before the first call; `variables` lists them. The engine must
      make them variables of the model (so that they are threaded through JAX's
      jitted state and saved with the weights). Stateless regularizers create none.
    - `get_config()` returns the constructor arguments only, and `from_config(config)`
      is `cls(**config)`; with `@keras.saving.register_keras_serializable`, an
      instance survives `keras.saving.serialize_keras_object` /
      `deserialize_keras_object` and so `model.save` / `keras.saving.load_model`.
      State (`variables`) is not configuration: it is saved with the weights.

    Args:
        weight: the multiplier; None takes the class's `default_weight`.
    """

    name = None
    default_weight = 1.0

    def __init__(self, weight=None):
        weight = float(self.default_weight if weight is None else weight)
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(
                f"The weight of {type(self).__name__} must be a finite number >= 0; "
                f"got {weight}."
            )
        self.weight = weight
        self.built = False

    def __call__(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define __call__.")

    def build(self):
        """Creates the regularizer's state variables (none here)."""
        self.built = True

    @property
    def variables(self):
        """The state variables `build()` created (non-trainable)."""
        return []

    def get_config(self):
        return {"weight": self.weight}



class DiscriminatorPenalty(Regularizer):
    """A penalty on the discriminator, added to the discriminator phase's loss.

    Called as `penalty(critic, real, fake, seed_generator)`:

    - `critic(x)`: the discriminator as a function of its input only (the engine
      closes over labels and calls D with `training=False`), returning one score
      per example.
    - `real`, `fake`: batches of real and generated data of the same shape
      (`fake` with its gradient stopped). A penalty that reads real data only
      (R1) sets the class attribute `uses_fake = False`: it is then called with
      `fake=None`, and a phase of its own (lazy R1) does not run the generator.
    - `seed_generator`: a `keras.random.SeedGenerator` of the model for any
      random draw (WGAN-GP's interpolation coefficients).

    Returns the weighted penalty, a float32 scalar.
    """

    #: Whether the penalty reads `fake`; when False the engine passes None and
    #: draws no fakes for it.
    uses_fake = True


class GeneratorRegularizer(Regularizer):
    """A regularizer of the generator, added to a generator phase's loss.

    Called as `regularizer(synthesis, latents, seed_generator)`:

    - `synthesis(w)`: the generator as a function of `latents` only (the engine
      closes over labels and calls G with `training=False`), returning a batch of
      data `(batch, ...)`, channels last.
    - `latents`: the batch of inputs `w` of `synthesis`, `(batch, dim)` or
      `(batch, n, dim)` (StyleGAN's per-layer w); for a GAN without a mapping
      network, the latents z.
    - `seed_generator`: a `keras.random.SeedGenerator` of the model for random draws.

    Returns the weighted term, a float32 scalar.

    `shrink(batch)` gives the part of a batch the term is computed on; the engine
    applies it to the labels it closes `synthesis` over, so that they match the
    latents the term uses. All of the batch unless a subclass says otherwise
    (`PathLengthPenalty` takes its first half).
    """

    def shrink(self, batch):
        return batch


class WeightRegularizer(Regularizer):
    """A regularizer of weights, added to the loss of a phase training them.

    Called as `regularizer(variables)` with a list of variables (or tensors),
    typically the trainable variables of the phase's network; returns the
    weighted term, a float32 scalar.
    """


def _config_without_name(identifier):
    return {k: v for k, v in identifier.items() if k != "name"}


def resolve(identifier, registry, base, what, weight=None, default_kwargs=None):
    """An instance of `base` from a name, a config dict or an instance.

    Accepted forms: an instance of `base`; a name in `registry`; a dict
    `{"name": ..., **constructor arguments}`; a dict from
    `keras.saving.serialize_keras_object` (with "class_name" and "config").
    `weight` (when not None) and `default_kwargs` fill the constructor arguments
    that a name or dict does not give.
    """
    if isinstance(identifier, dict) and "class_name" in identifier:
        identifier = keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, dict):
        if "name" not in identifier:
            raise ValueError(
                f"A {what} given as a dict needs a 'name' (one of "
                f"{', '.join(sorted(registry))}) or must come from "
                f"keras.saving.serialize_keras_object; got {identifier!r}."
            )
        kwargs = _config_without_name(identifier)
        identifier = identifier["name"]
    else:
        kwargs = {}
    if isinstance(identifier, str) and identifier in registry:
        if weight is not None:
            kwargs.setdefault("weight", weight)
        for key, value in (default_kwargs or {}).items():
            kwargs.setdefault(key, value)
        return registry[identifier](**kwargs)
    raise ValueError(
        f"Unknown {what} {identifier!r}. Known: {', '.join(sorted(registry))}; or pass "
        f"a kerasgan.losses.{base.__name__} instance."
    )
