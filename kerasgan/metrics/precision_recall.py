"""Improved precision and recall (Kynkäänniemi et al. 2019)."""

import numpy as np

from kerasgan.metrics import manifold


def precision_recall_from_features(real, fake, k=3):
    """Precision and recall with k-NN manifolds (https://arxiv.org/abs/1904.06991).

    Precision: the share of generated samples inside the real manifold (the union of
    balls reaching each real sample's k-th neighbour); recall: the share of real
    samples inside the generated manifold. Meaningful on Inception features; small
    domain-classifier embeddings score noise as precise.

    Args:
        real: `(n, d)` real features.
        fake: `(m, d)` generated features.
        k: the neighbour that sets each ball's radius (3 in the paper).

    Returns:
        `(precision, recall)`, floats in [0, 1].
    """
    real, fake = np.asarray(real, "float32"), np.asarray(fake, "float32")
    real_radii = manifold.knn_radii(real, k)
    fake_radii = manifold.knn_radii(fake, k)
    in_real, _ = manifold.ball_counts(real, real_radii, fake)
    in_fake, _ = manifold.ball_counts(fake, fake_radii, real)
    return float(np.mean(in_real > 0)), float(np.mean(in_fake > 0))
