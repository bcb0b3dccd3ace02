"""Metric values from real and generated features, each with its N and extractor."""

import numpy as np

from kerasgan.metrics import mode_coverage as modes
from kerasgan.metrics.classifier_score import classifier_score_from_logits
from kerasgan.metrics.density_coverage import density_coverage_from_features
from kerasgan.metrics.kid import kid_from_features
from kerasgan.metrics.precision_recall import precision_recall_from_features
from kerasgan.metrics.results import MetricResult
from kerasgan.metrics.stats import fid_from_features

# Metrics that compare with real data; the others read the generated samples only.
NEEDS_REAL = {"fid", "kid", "precision_recall", "density_coverage"}
NEEDS_LOGITS = {"classifier_score", "mode_coverage"}


def _fid(real, fake, result, options):
    return [result("fid", fid_from_features(real["features"], fake["features"]))]


def _kid(real, fake, result, options):
    subsets = {k: options[k] for k in ("num_subsets", "subset_size") if k in options}
    mean, std = kid_from_features(real["features"], fake["features"], **subsets)
    return [result("kid", mean, std)]


def _precision_recall(real, fake, result, options):
    precision, recall = precision_recall_from_features(real["features"], fake["features"])
    return [result("precision", precision), result("recall", recall)]


def _density_coverage(real, fake, result, options):
    density, coverage = density_coverage_from_features(real["features"], fake["features"])
    return [result("density", density), result("coverage", coverage)]


def _classifier_score(real, fake, result, options):
    logits = fake["logits"]
    # Stacked MNIST: one classifier score per channel, averaged.
    per_channel = logits if logits.ndim == 3 else logits[:, None]
    scores = [
        classifier_score_from_logits(per_channel[:, c])
        for c in range(per_channel.shape[1])
    ]
    mean, std = np.mean(scores, axis=0)
    return [result("classifier_score", mean, std)]


def _mode_coverage(real, fake, result, options):
    logits = fake["logits"]
    classes = logits.argmax(axis=-1)
    if logits.ndim == 3:
        # Stacked MNIST: 1,000 modes; a mode counts once hit (Metz et al., PacGAN).
        stats = modes.mode_coverage(modes.stacked_modes(classes), logits.shape[-1] ** 3)
    else:
        # Classes: covered with a quarter of their expected share, as the toy metric.
        num_classes = logits.shape[-1]
        min_count = max(1, int(0.25 * len(classes) / num_classes))
        stats = modes.mode_coverage(classes, num_classes, min_count=min_count)
    return [
        result("modes_covered", stats["modes_covered"]),
        result("kl_to_uniform", stats["kl_to_uniform"]),
    ]


METRICS = {
    "fid": _fid,
    "kid": _kid,
    "precision_recall": _precision_recall,
    "density_coverage": _density_coverage,
    "classifier_score": _classifier_score,
    "mode_coverage": _mode_coverage,
}


def check_metrics(names):
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise ValueError(f"Unknown metrics {unknown}; choose from {sorted(METRICS)}.")
    return names


def compute(names, real, fake, extractor, **options):
    """The results of `names` on feature dicts (see `kerasgan.metrics.features.extract`).

    Returns:
        A dict from result name ("fid", "kid", "precision", "recall", "density",
        "coverage", "classifier_score", "modes_covered", "kl_to_uniform") to
        `MetricResult`. `options` reach the metrics that take them: KID's
        `num_subsets` and `subset_size`.
    """
    num_real = 0 if real is None else len(real["features"])

    def result(name, value, std=None):
        std = None if std is None else float(std)
        return MetricResult(
            name, float(value), num_real, len(fake["features"]), extractor, std
        )

    results = {}
    for name in check_metrics(names):
        if name in NEEDS_LOGITS and "logits" not in fake:
            raise ValueError(f"{name} needs a classifier extractor, not {extractor!r}.")
        for item in METRICS[name](real, fake, result, options):
            results[item.name] = item
    return results
