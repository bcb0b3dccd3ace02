"""Toy 2-D sets used to measure mode collapse (Unrolled GAN, VEEGAN, PacGAN, WGAN-GP).

ring8 and grid25 are Gaussian mixtures with known mode centres and σ, the inputs of
`kerasgan.metrics.mode_statistics`. swissroll is a noisy spiral: a continuous
manifold with no discrete modes.
"""

import dataclasses

import numpy as np

from kerasgan.data import pipeline

# Examples per split of `load("ring8")` etc.: fixed samples, drawn with fixed seeds.
SPLIT_SIZES = {"train": 100_000, "test": 10_000}
_SPLIT_SEEDS = {"train": 0, "test": 1}


@dataclasses.dataclass(frozen=True)
class ToyMixture:
    """A mixture of isotropic Gaussians in 2-D: its mode centres and σ.

    Attributes:
        name: "ring8" or "grid25".
        centers: `(modes, 2)` array of mode centres.
        std: standard deviation of every mode.
    """

    name: str
    centers: np.ndarray
    std: float

    def sample(self, n, seed=None):
        """`n` float32 points: a uniformly chosen mode plus Gaussian noise of σ `std`."""
        return self.sample_with_modes(n, seed)[0]

    def sample_with_modes(self, n, seed=None):
        """`n` float32 points and the int32 index of the mode each was drawn from."""
        rng = np.random.default_rng(seed)
        modes = rng.integers(0, len(self.centers), size=n)
        noise = rng.normal(0.0, self.std, size=(n, 2))
        return (self.centers[modes] + noise).astype("float32"), modes.astype("int32")


@dataclasses.dataclass(frozen=True)
class SwissRoll:
    """The 2-D swiss roll of the WGAN-GP toy experiments: no discrete modes.

    Points are `(t·cos t, t·sin t) + noise·N(0, 1)`, divided by `scale`, with
    t uniform in [1.5π, 4.5π] — sklearn's `make_swiss_roll(noise=0.25)` projected
    on its x–z plane and divided by 7.5, as in Gulrajani et al. 2017.

    Attributes:
        name: "swissroll".
        noise: standard deviation of the noise before scaling.
        scale: the divisor that brings the roll to about [-2, 2].
    """

    name: str = "swissroll"
    noise: float = 0.25
    scale: float = 7.5

    def sample(self, n, seed=None):
        """`n` float32 points on the noisy roll."""
        rng = np.random.default_rng(seed)
        t = 1.5 * np.pi * (1 + 2 * rng.random(n))
        points = np.stack([t * np.cos(t), t * np.sin(t)], axis=1)
        points += self.noise * rng.normal(size=(n, 2))
        return (points / self.scale).astype("float32")


def ring8(radius=2.0, std=0.02):
    """8 Gaussians on a circle of radius 2, σ = 0.02 (Metz et al. 2017, Unrolled GAN)."""
    angles = 2 * np.pi * np.arange(8) / 8
    centers = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return ToyMixture("ring8", centers, std)


def grid25(spacing=2.0, std=0.05):
    """25 Gaussians on a 5×5 grid at -4..4, σ = 0.05 (VEEGAN, PacGAN)."""
    ticks = spacing * np.arange(-2, 3)
    centers = np.array([(x, y) for x in ticks for y in ticks], dtype="float64")
    return ToyMixture("grid25", centers, std)


def swissroll(noise=0.25, scale=7.5):
    """The swiss roll of the WGAN-GP toy experiments (Gulrajani et al. 2017)."""
    return SwissRoll("swissroll", noise, scale)


_MIXTURES = {"ring8": ring8, "grid25": grid25}


def toy_mixture(name):
    """The mixture behind a toy dataset, for mode metrics.

    Args:
        name: "ring8" or "grid25".

    Returns:
        A `ToyMixture` with `.centers` and `.std`.

    Example:

    ```python
    mixture = kerasgan.data.toy_mixture("ring8")
    stats = kerasgan.metrics.mode_statistics(gan.generate(2500), mixture)
    ```
    """
    if name == "swissroll":
        raise ValueError(
            "swissroll is a continuous spiral with no discrete modes, so it has no "
            "mode centres for mode metrics. Use kerasgan.data.swissroll() for its "
            "sampler; mode metrics need 'ring8' or 'grid25'."
        )
    if name not in _MIXTURES:
        raise ValueError(
            f"Unknown toy mixture {name!r}; expected one of {sorted(_MIXTURES)}."
        )
    return _MIXTURES[name]()


def open_split(request, name):
    """A fixed sample of a toy set: float32 points, labelled by mode (not swissroll)."""
    n, seed = SPLIT_SIZES[request.split], _SPLIT_SEEDS[request.split]
    if name == "swissroll":
        points, modes = swissroll().sample(n, seed), None
    else:
        points, modes = toy_mixture(name).sample_with_modes(n, seed)
    return pipeline.RowSplit(points, modes, _identity)


def _identity(points):
    return points
