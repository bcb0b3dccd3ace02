"""Per-class FID of a conditional GAN: how well it draws each class it is asked for."""

import numpy as np

from kerasgan.metrics import evaluation
from kerasgan.metrics import extractors
from kerasgan.metrics import features
from kerasgan.metrics import protocol
from kerasgan.metrics import stats_cache
from kerasgan.metrics.class_accuracy import requested_labels
from kerasgan.metrics.results import MetricResult
from kerasgan.metrics.stats import fid_from_features


def per_class_fid(
    gan, dataset, num_samples=10_000, extractor=None, seed=0, labels=None, floor=True
):
    """Per requested class k: FID of the samples asked for k against real class k.

    The overall FID can hide a class drawn badly (or not at all: asked for a bag,
    the model draws tops, which the overall FID barely sees). Samples are drawn
    with the labels 0, 1, ..., 0, 1, ... (equal shares, as `per_class_accuracy`);
    those requested with label k are compared with as many real images of class
    k from the reference split (the test split where there is one; all of class
    k when there are fewer), a fixed random subset (seed 0).

    Each value comes with its **floor**: the same FID between those real images
    and as many training images of class k (real vs real at the same N, cached;
    `kerasgan.metrics.protocol.real_floor`), the value a perfect generator would
    get. At Fashion-MNIST's 1,000 test images per class the floor is far from 0.

    Args:
        gan: a conditional kerasgan model (with `num_classes`), or generated
            images in [-1, 1] with their `labels`.
        dataset: the real data, a labelled `kerasgan.data` name.
        num_samples: samples drawn, labels 0, 1, ... in equal shares.
        extractor: "fashion-mnist" (the default for Fashion-MNIST: cheap domain
            classifier features, not comparable with Inception FID), "inception"
            or a `FeatureExtractor`; defaults to the dataset's domain classifier.
        seed: latent seed.
        labels: the requested label of each image when `gan` is an array.
        floor: also return the "fid_floor[k]" results.

    Returns:
        A list of `MetricResult`s named "fid[k]", one per class (N real: the real
        images of class k, N generated: the samples requested with k), then, with
        `floor`, "fid_floor[k]" (N real: the real images of class k; the other
        set is as many training images of class k, and N generated is 0).

    Example:

    ```python
    results = kerasgan.metrics.per_class_fid(cgan, "fashion-mnist", num_samples=1000)
    for result in results:
        print(result)  # fid[0] = ... (N real 100, N fake 100, fashion-mnist)
    ```
    """
    if labels is None:
        labels = requested_labels(
            gan, num_samples, "per_class_fid", " or images with their labels="
        )
    labels = np.asarray(labels)
    extractor = extractors.get_extractor(
        extractor or evaluation.default_extractor(dataset)
    )
    fake = features.extract(extractor, gan, num_samples, seed)["features"]
    if len(labels) != len(fake):
        raise ValueError(f"{len(fake)} images but {len(labels)} labels; give one each.")
    num_classes = getattr(gan, "num_classes", None) or int(labels.max()) + 1
    return per_class_fid_from_features(
        fake, labels, dataset, extractor, num_classes, floor=floor
    )


def per_class_fid_from_features(fake, labels, dataset, extractor, num_classes, floor=True):
    """`per_class_fid` on generated features `(n, d)` and their requested labels."""
    extractor = extractors.get_extractor(extractor)
    split = stats_cache.default_split(dataset)
    fids, floors = [], []
    for k in range(num_classes):
        asked = fake[labels == k]
        available = len(stats_cache.real_images(dataset, split, label=k))
        n = min(len(asked), available)
        if n < 2:
            raise ValueError(
                f"Class {k}: {len(asked)} samples requested and {available} real "
                f"images; FID needs at least 2 of each (draw more samples)."
            )
        real = stats_cache.real_features(dataset, extractor, split, n, label=k)
        value = fid_from_features(real["features"], asked)
        fids.append(MetricResult(f"fid[{k}]", value, n, len(asked), extractor.name))
        if floor:
            values, _ = protocol.real_floor(dataset, extractor, n, ("fid",), label=k)
            floors.append(
                MetricResult(f"fid_floor[{k}]", values["fid"], n, 0, extractor.name)
            )
    return fids + floors
