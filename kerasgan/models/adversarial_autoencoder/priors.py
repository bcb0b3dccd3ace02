"""The priors an adversarial autoencoder's codes are matched to.

A prior draws codes from standard-normal and uniform noise (`transform`), written
once in `keras.ops`: the training step feeds it noise from the model's
`SeedGenerator` (jit-safe), `sample(n, seed)` feeds it NumPy noise, so that the same
seed gives the same codes on every backend.

- `GaussianPrior`: N(0, std² I).
- `GaussianMixturePrior`: `components` Gaussians (10 by default) arranged around a
  circle, each elongated along its radius, as in the paper's Fig. 2b / Fig. 4.
- `SwissRollPrior`: a 2-D swiss roll cut into `components` consecutive segments
  (the paper's Fig. 4, bottom).

The mixture and the swiss roll are 2-D shapes; for an even `latent_dim > 2` each
pair of coordinates `(2i, 2i+1)` is an independent draw from the same component, so
a code still belongs to one component, which labels can choose (the paper's
supervised variant, §2.3).
"""

import math

import keras
import numpy as np
from keras import ops

from kerasgan.losses.configurable import Configurable


class Prior(Configurable):
    """Base class: codes of `latent_dim` coordinates from noise.

    Subclasses set `has_components` and implement `transform(normal, uniform,
    components)`, where `normal` and `uniform` have the codes' shape and
    `components` (int, `(batch,)`) says which component each code is drawn from.
    """

    name = None
    has_components = False
    components = 1

    def check_latent_dim(self, latent_dim):
        """Raises a ValueError when codes of `latent_dim` cannot follow this prior."""
        if int(latent_dim) < 1:
            raise ValueError(f"latent_dim must be a positive integer; got {latent_dim}.")

    def transform(self, normal, uniform, components):
        raise NotImplementedError

    def sample_tensor(self, n, latent_dim, seed_generator, components=None):
        """`n` codes as a tensor, drawn inside a train step from `seed_generator`.

        Args:
            components: int labels `(n,)` choosing each code's component; None
                draws them uniformly.
        """
        shape = (n, latent_dim)
        normal = keras.random.normal(shape, seed=seed_generator)
        uniform = keras.random.uniform(shape, seed=seed_generator)
        if components is None:
            components = keras.random.randint((n,), 0, self.components, seed=seed_generator)
        return self.transform(normal, uniform, ops.cast(components, "int32"))

    def sample(self, n, latent_dim, seed=None, components=None):
        """`n` codes as a float32 NumPy array, the same for a seed on every backend."""
        rng = np.random.default_rng(seed)
        normal = rng.standard_normal((n, latent_dim)).astype("float32")
        uniform = rng.uniform(size=(n, latent_dim)).astype("float32")
        drawn = rng.integers(0, self.components, n)
        components = drawn if components is None else np.asarray(components)
        codes = self.transform(ops.convert_to_tensor(normal), ops.convert_to_tensor(uniform),
                               ops.convert_to_tensor(components.astype("int32")))
        return np.asarray(ops.convert_to_numpy(codes), "float32")


@keras.saving.register_keras_serializable(package="kerasgan")
class GaussianPrior(Prior):
    """N(0, std² I): the paper's Gaussian prior (Fig. 2a; std 1 for MNIST in §3).

    Args:
        std: the standard deviation of every coordinate.
    """

    name = "gaussian"

    def __init__(self, std=1.0):
        if not float(std) > 0:
            raise ValueError(f"GaussianPrior std must be positive; got {std}.")
        self.std = float(std)

    def transform(self, normal, uniform, components):
        return self.std * normal

    def get_config(self):
        return {"std": self.std}


class _PlanarPrior(Prior):
    """A 2-D shape with components, drawn independently into each pair of coordinates."""

    has_components = True

    def __init__(self, components=10):
        if int(components) != components or components < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 components; got {components!r}."
            )
        self.components = int(components)

    def check_latent_dim(self, latent_dim):
        super().check_latent_dim(latent_dim)
        if int(latent_dim) % 2:
            raise ValueError(
                f"The {self.name} prior is a 2-D shape drawn into pairs of coordinates: "
                f"latent_dim must be even (2 as in the paper's figures); got {latent_dim}."
            )

    def pairs(self, x):
        """`(batch, d)` → the even and the odd coordinates, `(batch, d / 2)` each."""
        return x[:, 0::2], x[:, 1::2]

    def interleave(self, first, second):
        """The inverse of `pairs`: `(batch, d / 2)` twice → `(batch, d)`."""
        batch, half = ops.shape(first)[0], ops.shape(first)[1]
        return ops.reshape(ops.stack([first, second], axis=-1), (batch, 2 * half))

    def get_config(self):
        return {"components": self.components}

    def move_to_components(self, codes, components):
        """`codes` (NumPy) with every pair of coordinates moved to the same place in
        component `components[i]` of its row (what `generate_from_latents(latents,
        labels)` decodes); pairs already in their component are returned as they are.
        """
        codes = np.array(codes, "float32")
        target = np.asarray(components)[:, None]
        first, second = codes[:, 0::2], codes[:, 1::2]
        current = self.component_of(first, second)
        moved_first, moved_second = self.shift(first, second, target - current)
        stays = current == target
        codes[:, 0::2] = np.where(stays, first, moved_first)
        codes[:, 1::2] = np.where(stays, second, moved_second)
        return codes

    def component_of(self, first, second):
        """The component each 2-D point `(first, second)` lies in (NumPy ints)."""
        raise NotImplementedError

    def shift(self, first, second, steps):
        """The points moved by `steps` components (NumPy)."""
        raise NotImplementedError


@keras.saving.register_keras_serializable(package="kerasgan")
class GaussianMixturePrior(_PlanarPrior):
    """Gaussians on a circle, each elongated along its radius (paper, Fig. 2b and 4).

    Component `k` is N((radius, 0), diag(radial_std², tangential_std²)) rotated by
    `2πk / components`. The paper does not state its means and variances; these
    defaults keep neighbouring components apart (3σ tangentially) at 10 components.

    Args:
        components: the number of Gaussians (10, one per class).
        radius: the distance of each mean from the origin.
        radial_std, tangential_std: the standard deviations along and across
            the radius.
    """

    name = "mixture"

    def __init__(self, components=10, radius=3.0, radial_std=0.6, tangential_std=0.2):
        super().__init__(components)
        self.radius, self.radial_std = float(radius), float(radial_std)
        self.tangential_std = float(tangential_std)

    def transform(self, normal, uniform, components):
        along, across = self.pairs(normal)
        along = self.radius + self.radial_std * along
        across = self.tangential_std * across
        angle = ops.cast(components, "float32")[:, None] * (2.0 * math.pi / self.components)
        cos, sin = ops.cos(angle), ops.sin(angle)
        return self.interleave(along * cos - across * sin, along * sin + across * cos)

    def component_of(self, first, second):
        step = 2.0 * np.pi / self.components
        return np.round(np.arctan2(second, first) / step).astype(int) % self.components

    def shift(self, first, second, steps):
        angle = steps * (2.0 * np.pi / self.components)
        cos, sin = np.cos(angle), np.sin(angle)
        return first * cos - second * sin, first * sin + second * cos

    def means(self):
        """The components' 2-D means, `(components, 2)`, NumPy."""
        angles = 2.0 * np.pi * np.arange(self.components) / self.components
        return self.radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)

    def get_config(self):
        return {**super().get_config(), "radius": self.radius,
                "radial_std": self.radial_std, "tangential_std": self.tangential_std}


@keras.saving.register_keras_serializable(package="kerasgan")
class SwissRollPrior(_PlanarPrior):
    """A 2-D swiss roll: `t ~ U(0, 1)`, point `scale·√t·(cos 4π√t, sin 4π√t)`.

    Component `k` is the segment `t ∈ [k / components, (k + 1) / components)`
    (the paper's Fig. 4, bottom: labels choose a segment of the roll).

    Args:
        components: the number of segments (10, one per class).
        scale: the roll's outer radius.
    """

    name = "swiss_roll"

    def __init__(self, components=10, scale=3.0):
        super().__init__(components)
        self.scale = float(scale)

    def transform(self, normal, uniform, components):
        position, _ = self.pairs(uniform)
        t = (ops.cast(components, "float32")[:, None] + position) / self.components
        root = ops.sqrt(t)
        angle = 4.0 * math.pi * root
        return self.interleave(self.scale * root * ops.cos(angle),
                               self.scale * root * ops.sin(angle))

    def _position(self, first, second):
        return (np.hypot(first, second) / self.scale) ** 2

    def component_of(self, first, second):
        position = self._position(first, second) * self.components
        return np.clip(np.floor(position).astype(int), 0, self.components - 1)

    def shift(self, first, second, steps):
        t = np.clip(self._position(first, second) + steps / self.components, 0.0, 1.0)
        root, angle = np.sqrt(t), 4.0 * np.pi * np.sqrt(t)
        return self.scale * root * np.cos(angle), self.scale * root * np.sin(angle)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


PRIORS = {cls.name: cls for cls in (GaussianPrior, GaussianMixturePrior, SwissRollPrior)}


def get(identifier):
    """A prior from a name (`"gaussian"`, `"mixture"`, `"swiss_roll"`), a config or a
    `Prior`; a ValueError naming the known priors otherwise."""
    if isinstance(identifier, Prior):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if identifier in PRIORS:
        return PRIORS[identifier]()
    raise ValueError(
        f"Unknown prior {identifier!r}: use one of {', '.join(map(repr, PRIORS))} or "
        "a kerasgan.models.adversarial_autoencoder.priors.Prior instance."
    )


def serialize(prior):
    """A name for a built-in prior with default arguments, else its Keras config."""
    if type(prior) in PRIORS.values() and prior.get_config() == type(prior)().get_config():
        return prior.name
    return keras.saving.serialize_keras_object(prior)
