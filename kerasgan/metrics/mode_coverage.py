"""Mode coverage of classified samples: modes hit and KL of the mode histogram."""

import numpy as np


def mode_coverage(modes, num_modes, min_count=1):
    """Modes covered and KL(generated mode histogram ‖ uniform).

    The stacked-MNIST protocol of Metz et al. 2017 (https://arxiv.org/abs/1611.02163),
    VEEGAN and PacGAN: classify each sample into a mode, count modes with at least
    `min_count` samples, and report the KL divergence of the histogram from the
    uniform distribution of the data (0 when perfectly balanced, `log(num_modes)`
    when all samples share one mode).

    Args:
        modes: int mode of each sample, in `[0, num_modes)`.
        num_modes: number of modes (10 classes, 1,000 for stacked MNIST).
        min_count: samples a mode needs to count as covered.

    Returns:
        A dict: `modes_covered`, `num_modes`, `kl_to_uniform`, `num_samples`.
    """
    modes = np.asarray(modes).astype("int64").ravel()
    counts = np.bincount(modes, minlength=num_modes)
    histogram = counts / max(1, counts.sum())
    nonzero = histogram > 0
    kl = np.sum(histogram[nonzero] * np.log(histogram[nonzero] * num_modes))
    return {
        "modes_covered": int((counts >= min_count).sum()),
        "num_modes": int(num_modes),
        "kl_to_uniform": float(kl),
        "num_samples": int(len(modes)),
    }


def stacked_modes(channel_classes):
    """Stacked-MNIST modes from per-channel digits: `100·R + 10·G + B`."""
    channel_classes = np.asarray(channel_classes).astype("int64")
    return (
        100 * channel_classes[:, 0] + 10 * channel_classes[:, 1] + channel_classes[:, 2]
    )
