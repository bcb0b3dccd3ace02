"""k-nearest-neighbour balls around samples: the manifold estimate of P/R and D/C."""

import numpy as np

# Rows of a distance block: bounds memory at block × n floats.
BLOCK = 1024


def pairwise_distances(a, b):
    """Euclidean distances between rows of `a` and `b` (float32, via a matmul)."""
    a, b = np.asarray(a, "float32"), np.asarray(b, "float32")
    squared = (
        (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2.0 * (a @ b.T)
    )
    return np.sqrt(np.maximum(squared, 0.0))


def knn_radii(features, k):
    """Distance from each sample to its k-th nearest other sample."""
    features = np.asarray(features, "float32")
    if len(features) <= k:
        raise ValueError(f"k={k} nearest neighbours need more than {k} samples.")
    radii = np.empty(len(features), "float32")
    for start in range(0, len(features), BLOCK):
        block = pairwise_distances(features[start : start + BLOCK], features)
        # Index k, not k-1: each sample is its own nearest neighbour at distance 0.
        radii[start : start + BLOCK] = np.partition(block, k, axis=1)[:, k]
    return radii


def ball_counts(centres, radii, queries):
    """For each query, how many balls `(centres[i], radii[i])` contain it.

    Returns:
        `(per_query, per_centre)`: int arrays, balls holding each query and queries
        inside each ball.
    """
    centres = np.asarray(centres, "float32")
    per_query = np.zeros(len(queries), "int64")
    per_centre = np.zeros(len(centres), "int64")
    for start in range(0, len(queries), BLOCK):
        inside = pairwise_distances(queries[start : start + BLOCK], centres) <= radii
        per_query[start : start + BLOCK] = inside.sum(axis=1)
        per_centre += inside.sum(axis=0)
    return per_query, per_centre
