"""Classifier score: the Inception Score formula on any classifier's predictions."""

import numpy as np
import scipy.special

from kerasgan.metrics.kid import canonical_order


def classifier_score_from_logits(logits, splits=10):
    """`exp(E_x KL(p(y|x) ‖ p(y)))` (Salimans et al. 2016, https://arxiv.org/abs/1606.03498).

    High when each sample is classified confidently and the classes are balanced;
    at most the number of classes. On a domain classifier (MNIST, Fashion-MNIST)
    this is the "classifier score", not the Inception Score.

    Args:
        logits: `(n, classes)` unnormalised log-probabilities.
        splits: the samples are split in this many parts; the score is their mean.

    Returns:
        `(mean, std)` over splits.
    """
    log_p = scipy.special.log_softmax(np.asarray(logits, "float64"), axis=1)
    # Splits must mix classes even when the input is sorted by class (real data
    # often is): a fixed shuffle of a canonical order, so the input order is moot.
    order = canonical_order(log_p)[np.random.default_rng(0).permutation(len(log_p))]
    scores = []
    for part in np.array_split(order, splits):
        p_yx = np.exp(log_p[part])
        log_p_y = np.log(p_yx.mean(axis=0) + 1e-30)
        kl = (p_yx * (log_p[part] - log_p_y)).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))
