"""Streaming feature statistics and the Fréchet distance, in float64."""

import numpy as np


class FeatureStatistics:
    """Mean and covariance of features, accumulated batch by batch in float64.

    Memory stays `O(d²)` whatever the number of samples, so FID statistics of a
    large set never need all its features at once.

    Example:

    ```python
    stats = FeatureStatistics()
    for batch in feature_batches:
        stats.update(batch)
    mu, sigma = stats.mean, stats.covariance
    ```
    """

    def __init__(self):
        self.count = 0
        self._sum = None
        self._outer = None

    def update(self, features):
        features = np.asarray(features, dtype="float64")
        features = features.reshape(len(features), -1)
        if self._sum is None:
            dim = features.shape[1]
            self._sum = np.zeros(dim)
            self._outer = np.zeros((dim, dim))
        self.count += len(features)
        self._sum += features.sum(axis=0)
        self._outer += features.T @ features
        return self

    @classmethod
    def from_features(cls, features, batch_size=4096):
        stats = cls()
        for start in range(0, len(features), batch_size):
            stats.update(features[start : start + batch_size])
        return stats

    @property
    def mean(self):
        return self._sum / self.count

    @property
    def covariance(self):
        if self.count < 2:
            raise ValueError("A covariance needs at least 2 samples.")
        mean = self.mean
        return (self._outer - self.count * np.outer(mean, mean)) / (self.count - 1)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """Fréchet distance between two Gaussians, in float64.

    `‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2 (Σ1 Σ2)^½)`, the FID of Heusel et al. 2017
    (https://arxiv.org/abs/1706.08500). `Tr (Σ1 Σ2)^½` is the sum of the square
    roots of the eigenvalues of `Σ1 Σ2`, which are those of the symmetric
    `Σ1^½ Σ2 Σ1^½`: computed that way it equals the reference implementation's
    `scipy.linalg.sqrtm` value without its "Matrix is singular" warning, which fewer
    samples than feature dimensions (a singular covariance) always raised.

    Args:
        mu1, sigma1: mean and covariance of the first set.
        mu2, sigma2: mean and covariance of the second set.
        eps: unused; kept for callers of the sqrtm-based signature (the
            eigenvalue form needs no diagonal offset for singular covariances).

    Returns:
        A float.
    """
    del eps
    mu1, mu2 = np.asarray(mu1, "float64"), np.asarray(mu2, "float64")
    sigma1, sigma2 = np.asarray(sigma1, "float64"), np.asarray(sigma2, "float64")
    diff = mu1 - mu2
    value = (
        diff @ diff
        + np.trace(sigma1)
        + np.trace(sigma2)
        - 2.0 * trace_sqrt_product(sigma1, sigma2)
    )
    return float(max(value, 0.0))


def trace_sqrt_product(sigma1, sigma2):
    """`Tr (Σ1 Σ2)^½` of two covariance (symmetric PSD) matrices, without sqrtm."""
    root1 = _psd_sqrt(sigma1)
    eigenvalues = np.linalg.eigvalsh(root1 @ sigma2 @ root1)
    # Round-off leaves tiny negative eigenvalues where the true ones are 0.
    return float(np.sqrt(np.clip(eigenvalues, 0.0, None)).sum())


def _psd_sqrt(matrix):
    """The symmetric square root of a symmetric PSD matrix, by eigendecomposition."""
    eigenvalues, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ vectors.T


def fid_from_features(real, fake):
    """FID between two feature arrays (or `FeatureStatistics`)."""
    real, fake = (
        s if isinstance(s, FeatureStatistics) else FeatureStatistics.from_features(s)
        for s in (real, fake)
    )
    return frechet_distance(real.mean, real.covariance, fake.mean, fake.covariance)
