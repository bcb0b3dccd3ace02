"""A disk cache for arrays derived from a dataset (edge maps), hash-checked.

Deriving is slow (Canny on 70,000 images takes ~20 s) and its result depends only on
the source images and the parameters, so it is computed once and kept in
`$KERASGAN_CACHE/datasets/<name>-<key>.npz`, the key a sha256 of the source bytes
and the parameters. A `.json` beside the file holds the file's own sha256: a
truncated or altered file is detected and recomputed, never used. Both files are
written atomically, so a reader never sees half a file.
"""

import hashlib
import json
import pathlib
import zipfile

import numpy as np

from kerasgan.utils.files import atomic_path
from kerasgan.utils.files import write_json
from kerasgan.utils.storage import cache_dir
from kerasgan.utils.storage import sha256_of


def cache_key(source, parameters):
    """A short sha256 of the source arrays' bytes and a dict of parameters.

    Args:
        source: a NumPy array, or a list of them.
        parameters: a JSON-serialisable dict (sizes, thresholds, library versions).

    Returns:
        16 hex digits.
    """
    digest = hashlib.sha256()
    for array in source if isinstance(source, (list, tuple)) else [source]:
        array = np.ascontiguousarray(array)
        digest.update(str((array.dtype.str, array.shape)).encode())
        digest.update(array.tobytes())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def cached_arrays(name, key, compute):
    """Arrays from the cache when present and intact, else `compute()`'s, then cached.

    Args:
        name: a file-name stem, e.g. "edges2fashion-test".
        key: from `cache_key`.
        compute: `compute() -> {name: array}`.

    Returns:
        A dict of NumPy arrays.
    """
    path = cache_dir() / "datasets" / f"{name}-{key}.npz"
    arrays = _read_if_intact(path)
    if arrays is None:
        arrays = compute()
        _write(path, arrays)
    return arrays


def _sidecar(path):
    return path.with_suffix(".json")


def _read_if_intact(path):
    """The cached arrays, or None when absent, unreadable or not matching their hash."""
    path = pathlib.Path(path)
    try:
        expected = json.loads(_sidecar(path).read_text())["sha256"]
        if sha256_of(path) != expected:
            return None
        with np.load(path, allow_pickle=False) as stored:
            return {key: stored[key] for key in stored.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


def _write(path, arrays):
    """Writes the arrays, then their hash: a crash between the two leaves a file
    without a matching sidecar, which is recomputed next time."""
    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, **arrays)
    write_json(_sidecar(path), {"sha256": sha256_of(path)})
