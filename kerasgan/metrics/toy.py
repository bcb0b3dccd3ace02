"""Mode-collapse metrics on toy 2-D mixtures (VEEGAN / PacGAN protocol)."""

import numpy as np


def mode_statistics(samples, mixture, threshold_stds=3.0, min_count=None):
    """Modes covered and share of high-quality samples.

    A sample is high quality when it lies within `threshold_stds`·σ of its nearest
    mode centre; a mode is covered when it holds enough high-quality samples — by
    default 1/4 of its expected share (VEEGAN uses a fixed count for 2,500 samples;
    this scales it with the number of samples).

    Args:
        samples: `(n, 2)` generated points.
        mixture: a `kerasgan.data.toy.ToyMixture`.
        threshold_stds: the quality radius in units of σ.
        min_count: samples a mode needs to count as covered.

    Returns:
        A dict: `modes_covered`, `num_modes`, `high_quality` (a fraction),
        `reverse_kl` (KL of the mode histogram of high-quality samples from uniform;
        infinite when no sample is of high quality), and `num_samples`.

    Example:

    ```python
    mixture = kerasgan.data.ring8()
    stats = kerasgan.metrics.mode_statistics(gan.generate(2500, seed=0), mixture)
    ```

    Protocol of VEEGAN (https://arxiv.org/abs/1705.07761) and PacGAN
    (https://arxiv.org/abs/1712.04086).
    """
    samples = np.asarray(samples, dtype="float64")
    centers = mixture.centers
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= threshold_stds * mixture.std
    counts = np.bincount(nearest[good], minlength=len(centers))
    if min_count is None:
        min_count = max(1, int(0.25 * len(samples) / len(centers)))
    covered = int((counts >= min_count).sum())
    # With no high-quality sample there is no histogram: the divergence is infinite,
    # not 0 (which would read as a perfect generator).
    reverse_kl = float("inf")
    if counts.sum():
        histogram = counts / counts.sum()
        nonzero = histogram > 0
        reverse_kl = float(
            np.sum(histogram[nonzero] * np.log(histogram[nonzero] * len(centers)))
        )
    return {
        "modes_covered": covered,
        "num_modes": len(centers),
        "high_quality": float(good.mean()),
        "reverse_kl": reverse_kl,
        "num_samples": len(samples),
    }
