"""Autoencoder metrics: reconstruction error and how closely codes match a prior.

For models with `encode(images)` and `latents_for(n, seed)` (the adversarial
autoencoder): the aggregated posterior q(z) = E_x q(z|x) is compared with the prior
p(z) by the maximum mean discrepancy (MMD) with a Gaussian kernel, next to the MMD
of two independent prior samples of the same size (what a perfect match scores).
"""

import numpy as np

from kerasgan.metrics.results import MetricResult


def rbf_mmd2(x, y, bandwidth):
    """Unbiased MMD² of two sample sets with `k(a, b) = exp(-|a - b|² / (2·bandwidth²))`.

    Its expectation is 0 when both sets come from one distribution (an estimate
    can be slightly negative).
    """
    x, y = np.asarray(x, "float64"), np.asarray(y, "float64")
    gamma = 1.0 / (2.0 * float(bandwidth) ** 2)

    def kernel(a, b):
        squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None] - 2.0 * a @ b.T
        return np.exp(-gamma * np.maximum(squared, 0.0))

    n, m = len(x), len(y)
    k_xx, k_yy = kernel(x, x), kernel(y, y)
    within_x = (k_xx.sum() - np.trace(k_xx)) / (n * (n - 1))
    within_y = (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return float(within_x + within_y - 2.0 * kernel(x, y).mean())


def median_distance(x, limit=1000):
    """The median distance between two points of `x` (its first `limit` points)."""
    x = np.asarray(x, "float64")[:limit]
    distances = np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1))
    return float(np.median(distances[np.triu_indices(len(x), 1)]))


def posterior_prior_mmd(model, images, seed=0):
    """MMD² between the codes of `images` and as many prior samples, and the floor.

    The kernel's bandwidth is the median distance between prior samples. The floor
    is the MMD² of two independent prior samples of the same size.

    Returns:
        `[posterior_mmd2, prior_mmd2_floor]`, `MetricResult`s.
    """
    codes = model.encode(images)
    n = len(codes)
    prior = model.latents_for(n, seed=seed)
    other = model.latents_for(n, seed=seed + 1)
    bandwidth = median_distance(prior)
    kernel = f"Gaussian kernel, bandwidth {bandwidth:.3g} (median prior distance)"
    return [
        MetricResult("posterior_mmd2", rbf_mmd2(codes, prior, bandwidth), n, n, kernel),
        MetricResult("prior_mmd2_floor", rbf_mmd2(other, prior, bandwidth), 0, 2 * n, kernel),
    ]


def reconstruction_error(model, images):
    """Mean squared error per value of `model.reconstruct(images)` (data in [-1, 1])."""
    images = np.asarray(images, "float32")
    error = float(np.mean((model.reconstruct(images) - images) ** 2))
    return MetricResult("reconstruction_mse", error, len(images), 0, "pixels in [-1, 1]")
