"""Class accuracy of a conditional GAN: does it draw the class it is asked for?"""

import numpy as np

from kerasgan.metrics import extractors
from kerasgan.metrics import features
from kerasgan.metrics import stats_cache
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
    labels, predicted, name = requested_and_predicted(gan, extractor, num_samples, seed)
    return accuracy_result(labels, predicted, name)


def accuracy_result(labels, predicted, extractor_name):
    """The overall "class_accuracy" result from requested labels and predictions."""
    value = float(np.mean(predicted == labels))
    return MetricResult("class_accuracy", value, 0, len(labels), extractor_name)


def per_class_accuracy(gan, extractor, num_samples=1000, seed=0):
    """Per requested class k: the share of samples asked for k that are put in k.

    The overall `class_accuracy` can hide a class the generator cannot draw (asked
    for a bag, it draws tops); this measures each class on the samples requested
    with it, not on the classes predicted (as "modes covered" does).

    Args:
        gan: a conditional kerasgan model (with `num_classes`).
        extractor: a classifier extractor, e.g. "fashion-mnist" or "mnist".
        num_samples: samples drawn, labels 0, 1, ... in equal shares.
        seed: latent seed.

    Returns:
        A list of `MetricResult`s named "class_accuracy[k]", one per class, each
        with the number of samples requested with k as its N generated.

    Example:

    ```python
    for result in kerasgan.metrics.per_class_accuracy(cgan, "fashion-mnist"):
        print(result.name, result.value)
    ```
    """
    labels, predicted, name = requested_and_predicted(gan, extractor, num_samples, seed)
    return per_class_results(labels, predicted, gan.num_classes, name)


def per_class_results(labels, predicted, num_classes, extractor_name):
    """`class_accuracy[k]` results from requested labels and predicted classes."""
    results = []
    for k in range(num_classes):
        asked = labels == k
        value = float(np.mean(predicted[asked] == k)) if asked.any() else float("nan")
        results.append(
            MetricResult(f"class_accuracy[{k}]", value, 0, int(asked.sum()), extractor_name)
        )
    return results


def real_per_class_accuracy(dataset, extractor, num_classes, split=None):
    """Per class k: the share of the real images of class k the classifier puts in k.

    The reference for `per_class_accuracy`: a class the classifier confuses on real
    images (Fashion-MNIST's shirts, with tops and coats) is judged harshly on
    generated ones too, though samples more typical of their class than real
    images can score above it. Cards show it beside each class.

    Args:
        dataset: a labelled `kerasgan.data` name, e.g. "fashion-mnist".
        extractor: the classifier extractor `per_class_accuracy` used.
        num_classes: the classes 0, ..., num_classes - 1.
        split: the real split; the test split where there is one.

    Returns:
        A list of `MetricResult`s named "real_class_accuracy[k]", each with the
        number of real images of class k as its N real.

    Example:

    ```python
    real = kerasgan.metrics.real_per_class_accuracy("fashion-mnist", "fashion-mnist", 10)
    ```
    """
    return _per_real_class("real_class_accuracy", dataset, extractor, num_classes, split)


def reconstruction_per_class_accuracy(model, dataset, extractor, num_classes, split=None):
    """Per class k: the share of an autoencoder's reconstructions of the real images
    of class k that the classifier puts in k.

    Where a class-conditional autoencoder fails to draw class k, this says whether
    its decoder can draw k at all: reconstructions start from the codes of real
    images of k, so a low value here is the autoencoder's (its decoder blurs the
    class into another), not the prior matching's. Compare it with
    `real_per_class_accuracy`, the classifier's own accuracy on those images.

    Args:
        model: a model with `reconstruct(images)` (an adversarial autoencoder).
        dataset: a labelled `kerasgan.data` name, e.g. "fashion-mnist".
        extractor: the classifier extractor `per_class_accuracy` used.
        num_classes: the classes 0, ..., num_classes - 1.
        split: the real split; the test split where there is one.

    Returns:
        A list of `MetricResult`s named "reconstruction_class_accuracy[k]", each with
        the number of real images of class k as its N real.

    Example:

    ```python
    results = kerasgan.metrics.reconstruction_per_class_accuracy(
        aae, "fashion-mnist", "fashion-mnist", 10)
    ```
    """
    return _per_real_class("reconstruction_class_accuracy", dataset, extractor,
                           num_classes, split, transform=model.reconstruct)


def _per_real_class(name, dataset, extractor, num_classes, split, transform=None):
    """"<name>[k]": the classifier's accuracy on the real images of class k, each
    passed through `transform` first when given."""
    extractor = extractors.get_extractor(extractor)
    split = split or stats_cache.default_split(dataset)
    results = []
    for k in range(num_classes):
        images = stats_cache.real_images(dataset, split, label=k)
        judged = images if transform is None else np.asarray(transform(images))
        logits = features.extract(extractor, judged)["logits"]
        value = float(np.mean(logits.argmax(axis=-1) == k))
        results.append(MetricResult(f"{name}[{k}]", value, len(images), 0, extractor.name))
    return results


def requested_and_predicted(gan, extractor, num_samples, seed):
    """The labels samples were drawn with, the classes predicted, the extractor name."""
    labels, outputs, name = requested_and_extracted(gan, extractor, num_samples, seed)
    return labels, outputs["logits"].argmax(axis=-1), name


def requested_and_extracted(gan, extractor, num_samples, seed):
    """The labels samples were drawn with, their classifier outputs (features and
    logits, see `kerasgan.metrics.features.extract`), the extractor name.

    One draw serves both per-class accuracy (the logits) and per-class FID (the
    features, `kerasgan.metrics.class_fid.per_class_fid_from_features`).
    """
    labels = requested_labels(gan, num_samples, "class_accuracy")
    extractor = extractors.get_extractor(extractor)
    outputs = features.extract(extractor, gan, num_samples, seed)
    logits = outputs.get("logits")
    if logits is None or logits.ndim != 2:
        raise ValueError(
            f"class_accuracy needs a single-image classifier; {extractor.name!r} "
            "gives no such logits (use 'mnist' or 'fashion-mnist')."
        )
    return labels, outputs, extractor.name


def requested_labels(gan, num_samples, metric, alternative=""):
    """The labels 0, 1, ..., 0, 1, ... a conditional `gan`'s samples are drawn with;
    a clear error naming `metric` (and `alternative`, another way to call it) for
    an unconditional one."""
    labels = fixed_labels(gan, num_samples)
    if labels is None:
        raise ValueError(
            f"{metric} needs a conditional model (with num_classes){alternative}; "
            f"{type(gan).__name__} is unconditional."
        )
    return labels
