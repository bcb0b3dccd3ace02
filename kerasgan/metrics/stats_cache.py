"""Real-data features, cached per (dataset, split, extractor, N) and content hash."""

import hashlib
import pathlib
import warnings
import zipfile

import numpy as np

from kerasgan import data
from kerasgan.metrics import cache
from kerasgan.metrics import extractors
from kerasgan.metrics import features
from kerasgan.utils.files import atomic_path


def default_split(dataset):
    """ "test" where the dataset has one (the usual FID reference), else "train"."""
    sizes = data.registry.resolve(dataset).info.size
    return "test" if "test" in sizes else "train"


def real_images(dataset, split=None, num_samples=None, seed=0, label=None):
    """`num_samples` images of a dataset split, a fixed random subset when fewer than all.

    A random subset rather than the first N: some datasets are sorted by class.
    With `label`, only the split's images of that class (for per-class metrics).
    """
    x, y = data.load_numpy(dataset, split=split or default_split(dataset))
    if label is not None:
        if y is None:
            raise ValueError(f"{dataset} has no labels: per-class images need a labelled dataset.")
        x = x[np.asarray(y) == label]
    if num_samples is None or num_samples >= len(x):
        return x
    rng = np.random.default_rng(seed)
    return x[np.sort(rng.choice(len(x), int(num_samples), replace=False))]


def real_features(dataset, extractor, split=None, num_samples=None, seed=0, label=None):
    """Features of real images, computed once and cached.

    The cache file is `<cache>/stats/<dataset>-<split>-<extractor>-<N>-<hash>.npz`
    (its own sha256 beside it, checked before it is used);
    the hash covers the images' bytes and the extractor's weights, so changed data or
    weights never reuse stale features.

    Args:
        dataset: a `kerasgan.data` name.
        extractor: a name or a `FeatureExtractor`.
        split: the split; "test" where there is one.
        num_samples: N (all of the split when None).
        seed: seed of the random subset.
        label: only the images of this class (see `real_images`).

    Returns:
        The dict of `features.extract`.
    """
    extractor = extractors.get_extractor(extractor)
    split = split or default_split(dataset)
    images = real_images(dataset, split, num_samples, seed, label)
    digest = hashlib.sha256(images.tobytes())
    digest.update(extractor.identity.encode())
    name = str(dataset).replace("/", "_").replace(":", "_")
    path = (
        cache.cache_dir()
        / "stats"
        / f"{name}-{split}-{extractor.name}-{len(images)}-{digest.hexdigest()[:16]}.npz"
    )
    cached = read_cached(path)
    if cached is not None:
        return cached
    outputs = features.extract(extractor, images)
    write_cached(path, outputs)
    return outputs


def _digest_path(path):
    return path.with_name(path.name + ".sha256")


def write_cached(path, arrays):
    """Writes `arrays` to `path` (.npz) and its sha256 beside it, both atomically."""
    with atomic_path(path) as tmp:
        np.savez(tmp, **arrays)
    # Written second: a cache file without its digest is never trusted.
    with atomic_path(_digest_path(path)) as tmp:
        pathlib.Path(tmp).write_text(cache.sha256_of(path) + "\n")


def read_cached(path):
    """The arrays of a cache file written by `write_cached`; None if it is unusable.

    A file that is missing its digest, does not match it (replaced or truncated) or
    does not load is reported in a warning and computed again.
    """
    path = pathlib.Path(path)
    if not path.exists():
        return None
    digest_path = _digest_path(path)
    recorded = digest_path.read_text().strip() if digest_path.exists() else None
    if recorded != cache.sha256_of(path):
        warnings.warn(
            f"{path} does not match its sha256 in {digest_path.name} (replaced, "
            "truncated or written by an older kerasgan); computing it again.",
            stacklevel=3,
        )
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            return dict(stored)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        warnings.warn(f"{path} cannot be read ({error}); computing it again.", stacklevel=3)
        return None
