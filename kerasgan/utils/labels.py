"""The labels conditional models are sampled with when none are given."""

import numpy as np


def fixed_labels(model, n):
    """Labels 0, 1, 2, ... cycling through the classes of a conditional model.

    Sample grids, latent walks, the mode-collapse alarm, evaluation and the zoo's
    reference samples all draw conditional models this way: every class in equal
    shares, in a fixed order.

    Returns:
        An int32 array of `n` labels, or None for unconditional models (no
        `num_classes` attribute).
    """
    num_classes = getattr(model, "num_classes", None)
    if not num_classes:
        return None
    return (np.arange(n) % num_classes).astype("int32")
