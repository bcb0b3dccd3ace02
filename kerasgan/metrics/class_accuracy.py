"""Class accuracy of a conditional GAN: does it draw the class it is asked for?"""

import numpy as np

from kerasgan.metrics import extractors
from kerasgan.metrics import features
from kerasgan.metrics.results import MetricResult
from kerasgan.utils.labels import fixed_labels


def class_accuracy(gan, extractor, num_samples=1000, seed=0):
    """Share of a conditional GAN's samples a domain classifier puts in their class.

    Samples are drawn with the labels 0, 1, ..., 0, 1, ... (equal shares) and
    classified by `extractor`'s logits; chance level is 1 / num_classes.

    Args:
        gan: a conditional kerasgan model (with `num_classes`).
        extractor: a classifier extractor, e.g. "fashion-mnist" or "mnist".
        num_samples: samples drawn.
        seed: latent seed.

    Returns:
        A `MetricResult` named "class_accuracy".

    Example:

    ```python
    acc = kerasgan.metrics.class_accuracy(cgan, "fashion-mnist", num_samples=1000)
    ```
    """
    labels = fixed_labels(gan, num_samples)
    if labels is None:
        raise ValueError(
            f"class_accuracy needs a conditional model (with num_classes); "
            f"{type(gan).__name__} is unconditional."
        )
    extractor = extractors.get_extractor(extractor)
    logits = features.extract(extractor, gan, num_samples, seed).get("logits")
    if logits is None or logits.ndim != 2:
        raise ValueError(
            f"class_accuracy needs a single-image classifier; {extractor.name!r} "
            "gives no such logits (use 'mnist' or 'fashion-mnist')."
        )
    value = float(np.mean(logits.argmax(axis=-1) == labels))
    return MetricResult("class_accuracy", value, 0, num_samples, extractor.name)
