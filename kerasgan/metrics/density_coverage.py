"""Density and coverage (Naeem et al. 2020)."""

import numpy as np

from kerasgan.metrics import manifold


def density_coverage_from_features(real, fake, k=5):
    """Density and coverage (https://arxiv.org/abs/2002.09797).

    Both use balls around real samples only, so they resist real outliers:
    density counts how many real balls hold each generated sample (≈ 1 when the
    distributions match, above 1 when samples crowd dense regions); coverage is the
    share of real balls that hold at least one generated sample.

    Args:
        real: `(n, d)` real features.
        fake: `(m, d)` generated features.
        k: the neighbour that sets each ball's radius (5 in the paper).

    Returns:
        `(density, coverage)`.
    """
    real, fake = np.asarray(real, "float32"), np.asarray(fake, "float32")
    radii = manifold.knn_radii(real, k)
    per_fake, per_real = manifold.ball_counts(real, radii, fake)
    return float(per_fake.sum() / (k * len(fake))), float(np.mean(per_real > 0))
