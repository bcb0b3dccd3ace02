"""IDX files, the format of MNIST and Fashion-MNIST (gzip-compressed or raw)."""

import functools
import gzip
import math
import os
import struct

import numpy as np

# IDX header: two zero bytes, a type code, the number of dimensions.
_UNSIGNED_BYTE = 0x08

IDX_FILE_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def find_idx_pair(folder, split):
    """Paths of a split's image and label IDX files in `folder`, or None if absent.

    Accepts both `name.gz` and uncompressed `name`.
    """
    paths = []
    for stem in IDX_FILE_NAMES[split]:
        candidates = [os.path.join(folder, stem + suffix) for suffix in (".gz", "")]
        found = [path for path in candidates if os.path.isfile(path)]
        if not found:
            return None
        paths.append(found[0])
    return tuple(paths)


def read_idx_pair(image_path, label_path, fix):
    """Reads images and labels from IDX files and checks that they match.

    Args:
        image_path: the `*-images-idx3-ubyte[.gz]` file.
        label_path: the `*-labels-idx1-ubyte[.gz]` file.
        fix: what to do about a corrupt file, for the error message.

    Returns:
        `(images, labels)`: uint8 `(n, 28, 28, 1)` and `(n,)` arrays.
    """
    images = read_idx(image_path, fix)
    labels = read_idx(label_path, fix)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"{image_path} and {label_path} do not form an image/label pair: shapes "
            f"{images.shape} and {labels.shape}. {fix}"
        )
    return images[..., None], labels


@functools.lru_cache(maxsize=8)
def read_idx(path, fix):
    """Reads one IDX file of unsigned bytes, checking its header against its size.

    Read-only arrays are cached, so loading a split twice costs nothing.

    Args:
        path: the file, gzip-compressed when its name ends in `.gz`.
        fix: what to do about a corrupt file, for the error message.

    Returns:
        A read-only uint8 NumPy array with the shape the header declares.
    """
    content = _read_bytes(path, fix)
    if len(content) < 4 or content[:2] != b"\0\0" or content[2] != _UNSIGNED_BYTE:
        raise ValueError(
            f"{path} is not an IDX file of unsigned bytes (its header starts with "
            f"{content[:4]!r}). {fix}"
        )
    rank = content[3]
    header_size = 4 + 4 * rank
    if len(content) < header_size:
        raise ValueError(f"{path} is truncated inside its header. {fix}")
    shape = struct.unpack(f">{rank}I", content[4:header_size])
    expected = math.prod(shape)
    found = len(content) - header_size
    if found != expected:
        raise ValueError(
            f"{path} is truncated or corrupt: its header declares shape {shape} "
            f"({expected} bytes of data) but it holds {found}. {fix}"
        )
    array = np.frombuffer(content, dtype=np.uint8, offset=header_size).reshape(shape)
    array.flags.writeable = False
    return array


def _read_bytes(path, fix):
    open_file = gzip.open if path.endswith(".gz") else open
    try:
        with open_file(path, "rb") as file:
            return file.read()
    except (OSError, EOFError) as error:
        # gzip raises BadGzipFile (an OSError) for garbage and EOFError when cut short.
        raise ValueError(f"{path} is corrupt or truncated ({error}). {fix}") from error
