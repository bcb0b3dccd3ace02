"""The zoo's evaluation protocol: Inception metrics at N vs test, with their floor.

The standard protocol is Lucic et al. 2018's ("Are GANs Created Equal?",
https://arxiv.org/abs/1711.10337): Inception FID/KID/precision/recall of 10,000
generated images against the 10,000 test images, on the FID Inception graph with a
bilinear resize. Every number measured under it is stored with its **floor**: what
two independent real sets of the same N score (N test against N train images), the
value a perfect generator would get at that N. The floor is cached per dataset, N
and extractor (`real_floor`), so it is computed once.

`protocol_record` is what `scripts/evaluate.py` writes into an entry's
`metrics.json` under "protocol"; the cards and docs/zoo.md read it from there.
"""

import hashlib

import numpy as np

from kerasgan.data import captions
from kerasgan.metrics import cache
from kerasgan.metrics import compute
from kerasgan.metrics import extractors
from kerasgan.metrics import features
from kerasgan.metrics import stats_cache

STANDARD_N = 10_000
FLOOR_METRICS = ("fid", "kid", "precision_recall", "density_coverage")
# How kerasgan.metrics.inception feeds images to the network (see its docstring).
RESIZE = (
    "bilinear to 299×299 with half-pixel centres and no antialiasing "
    "(tf.image.resize; PyTorch interpolate with align_corners=False), grayscale "
    "repeated to 3 channels"
)


class TooFewImages(ValueError):
    pass


def real_pair(dataset, num_samples, seed=0, label=None):
    """Two independent real sets of `num_samples` images and what they are.

    N test against N train images (the same test subset a generator is measured
    against); for a dataset without a test split, two disjoint halves of train.
    With `label`, both sets are images of that class only.
    """
    if stats_cache.default_split(dataset) == "test":
        test = stats_cache.real_images(dataset, "test", num_samples, seed, label)
        train = stats_cache.real_images(dataset, "train", num_samples, seed, label)
        return test, train, "test vs train"
    x = stats_cache.real_images(dataset, "train", label=label)
    order = np.random.default_rng(seed).permutation(len(x))
    if 2 * num_samples > len(x):
        which = dataset if label is None else f"{dataset}'s class {label}"
        raise TooFewImages(
            f"{which} at N={num_samples}: two disjoint sets need {2 * num_samples} "
            f"images, it has {len(x)}; measure at N ≤ {len(x) // 2}."
        )
    halves = order[:num_samples], order[num_samples : 2 * num_samples]
    return x[np.sort(halves[0])], x[np.sort(halves[1])], "two halves of train"


def real_floor(dataset, extractor, num_samples, metrics=FLOOR_METRICS, label=None):
    """The real-vs-real values at N (the floor), computed once and cached.

    The cache key is the content of both real sets and the extractor's identity,
    so changed data or weights never reuse a stale floor.

    Args:
        dataset: a `kerasgan.data` name.
        extractor: a name or a `FeatureExtractor`.
        num_samples: N of each set.
        metrics: metric names of `kerasgan.metrics.compute`.
        label: the floor of one class: both sets are images of this class
            (`kerasgan.metrics.per_class_fid`'s floor).

    Returns:
        `(values, pairing)`: a dict from result name ("fid", "kid", "precision",
        ...) to its value, and how the two sets were drawn ("test vs train").
    """
    extractor = extractors.get_extractor(extractor)
    first, second, pairing = real_pair(dataset, num_samples, label=label)
    digest = hashlib.sha256(first.tobytes())
    digest.update(second.tobytes())
    digest.update(f"{extractor.identity}|{','.join(metrics)}".encode())
    path = (
        cache.cache_dir()
        / "stats"
        / f"floor-{extractor.name}-{len(first)}-{digest.hexdigest()[:16]}.npz"
    )
    stored = stats_cache.read_cached(path)
    if stored is None:
        if pairing == "test vs train":
            # The test features are the ones generators are measured against.
            real, other = (
                stats_cache.real_features(
                    dataset, extractor, split, num_samples, label=label
                )
                for split in ("test", "train")
            )
        else:
            real = features.extract(extractor, first)
            other = features.extract(extractor, second)
        results = compute.compute(metrics, real, other, extractor.name)
        stored = {name: np.float64(r.value) for name, r in results.items()}
        stats_cache.write_cached(path, stored)
    return {name: float(value) for name, value in stored.items()}, pairing


def protocol_record(dataset, num_samples, extractor="inception"):
    """How an entry's Inception numbers were measured, with their floor.

    Args:
        dataset: the real data (a `kerasgan.data` name).
        num_samples: N, generated and real.
        extractor: "inception" or a `FeatureExtractor`.

    Returns:
        A JSON-ready dict: "num_samples", "reference_split" ("test", or "train"
        for a dataset without a test split), "standard" (10,000 vs the test
        split), "resize", "extractor" and "extractor_identity", "floor" (result
        name → value) and "floor_pairing".
    """
    extractor = extractors.get_extractor(extractor)
    split = stats_cache.default_split(dataset)
    size = len(stats_cache.real_images(dataset, split))
    # Without a test split the floor needs two disjoint halves of train.
    limit = size if split == "test" else size // 2
    if num_samples > limit:
        raise ValueError(
            f"N={num_samples} but {dataset}'s {split} split has {size} images"
            + ("" if split == "test" else ", and its floor needs two disjoint halves")
            + f"; pass --inception-n {limit} or fewer."
        )
    floor, pairing = real_floor(dataset, extractor, num_samples)
    return {
        "num_samples": int(num_samples),
        "reference_split": split,
        "standard": bool(num_samples == STANDARD_N and split == "test"),
        "resize": RESIZE,
        "extractor": extractor.name,
        "extractor_identity": extractor.identity,
        "floor": floor,
        "floor_pairing": pairing,
    }


def reference_text(protocol):
    """ "N generated vs N test images", saying so when they are training images."""
    n = protocol["num_samples"]
    if protocol["reference_split"] == "test":
        return f"{n:,} generated vs {n:,} test images"
    return f"{n:,} generated vs {n:,} **training** images (no test split)"


def class_names(dataset, num_classes):
    """Names of a dataset's classes where kerasgan knows them, else their indices."""
    if str(dataset).startswith("fashion-mnist") and num_classes == 10:
        return list(captions.CLASS_NAMES)
    return [str(k) for k in range(num_classes)]
