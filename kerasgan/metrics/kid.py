"""Kernel Inception Distance: unbiased MMD² with a cubic polynomial kernel."""

import numpy as np


def canonical_order(features):
    """A permutation that sorts rows by a fixed random projection.

    Subsets drawn after this ordering depend on the set of samples, not on the order
    they came in: shuffling the inputs leaves KID unchanged.
    """
    projection = np.random.default_rng(0).standard_normal(features.shape[1])
    return np.argsort(features.astype("float64") @ projection, kind="stable")


def polynomial_mmd2(x, y):
    """Unbiased MMD² between two equally sized sets with `k(a, b) = (a·b / d + 1)³`."""
    x, y = np.asarray(x, "float64"), np.asarray(y, "float64")
    n, dim = x.shape
    k_xx = (x @ x.T / dim + 1.0) ** 3
    k_yy = (y @ y.T / dim + 1.0) ** 3
    k_xy = (x @ y.T / dim + 1.0) ** 3
    # Unbiased: the diagonals (a sample against itself) are left out.
    sum_xx = (k_xx.sum() - np.trace(k_xx)) / (n * (n - 1))
    sum_yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return sum_xx + sum_yy - 2.0 * k_xy.mean()


def kid_from_features(real, fake, num_subsets=100, subset_size=1000, seed=0):
    """KID of Bińkowski et al. 2018 (https://arxiv.org/abs/1801.01401).

    The unbiased MMD² estimate averaged over random subsets; its expectation is 0
    when both sets come from the same distribution (it can be slightly negative).

    Args:
        real: `(n, d)` features of real samples.
        fake: `(m, d)` features of generated samples.
        num_subsets: number of random subsets.
        subset_size: samples per subset, capped at `min(n, m)`.
        seed: seed of the subset draws.

    Returns:
        `(mean, std)` over subsets.
    """
    real = np.asarray(real)[canonical_order(np.asarray(real))]
    fake = np.asarray(fake)[canonical_order(np.asarray(fake))]
    size = min(subset_size, len(real), len(fake))
    if size < 2:
        raise ValueError("KID needs at least 2 real and 2 generated samples.")
    rng = np.random.default_rng(seed)
    values = [
        polynomial_mmd2(
            real[rng.choice(len(real), size, replace=False)],
            fake[rng.choice(len(fake), size, replace=False)],
        )
        for _ in range(num_subsets)
    ]
    return float(np.mean(values)), float(np.std(values))
