"""Folders of image pairs (pix2pix) and of two unpaired domains (CycleGAN).

Paired, "paired:<folder>", either layout, in `<folder>/<split>/` if that exists
(pix2pix's datasets hold train/, val/, test/), else in `<folder>` itself:

- side by side: every file holds the source on the left half and the target on the
  right (how pix2pix's facades, edges2shoes, maps, ... are stored);
- `a/` and `b/` subfolders whose files match by name (`a/0001.png` ↔ `b/0001.jpg`).

Unpaired, "unpaired:<folder>": CycleGAN's `trainA/`, `trainB/`, `testA/`, `testB/`, or
`a/` and `b/` subfolders (in `<folder>/<split>/` if that exists).

Every file's header is read when the dataset is made, so a missing partner, a pair
whose halves differ in size or an unreadable file is named before training starts.
"""

import os

import numpy as np

from kerasgan.data import folder as image_folder
from kerasgan.data import pipeline

PAIRED_PREFIX = "paired:"
UNPAIRED_PREFIX = "unpaired:"
_DOMAIN_NAMES = ("a", "b")


def open_paired(request, root):
    """A paired folder as a split of `(source, target)` batches.

    Args:
        request: the `load()` arguments.
        root: the folder.

    Returns:
        A `RowSplit` whose rows are file paths.
    """
    folder = _split_folder(root, request.split)
    domains = _domain_folders(folder)
    if domains is not None:
        return _matched_files_split(folder, domains, request)
    images = image_folder.images_below(folder, recursive=False)
    if not images:
        raise ValueError(
            f"{folder} holds neither side-by-side pairs (images whose left half is the "
            "source and right half the target) nor a/ and b/ subfolders of files with "
            "matching names. Put the pairs in one of these two layouts."
        )
    return _side_by_side_split(folder, images, request)


def open_unpaired(request, root):
    """An unpaired folder as an `UnpairedSplit` of `(domain_a, domain_b)` batches.

    Args:
        request: the `load()` arguments.
        root: the folder.

    Returns:
        An `UnpairedSplit`.
    """
    folders = _unpaired_domain_folders(root, request.split)
    paths = [_domain_images(path) for path in folders]
    modes_and_sizes = [image_folder.read_headers(domain) for domain in paths]
    channels = request.channels or _channels_for(
        [mode for modes, _ in modes_and_sizes for mode in modes]
    )
    image_size = request.image_size
    if image_size is None:
        sizes = [
            image_folder.common_size(domain, sizes, folder)
            for domain, (_, sizes), folder in zip(paths, modes_and_sizes, folders)
        ]
        _check_same_size(sizes, folders, "domain")
        image_size = sizes[0]
    decoder = image_folder.batch_decoder(image_size, channels)
    return pipeline.UnpairedSplit(
        *(pipeline.RowSplit(np.asarray(domain), None, decoder) for domain in paths)
    )


def _split_folder(root, split):
    candidate = os.path.join(root, split)
    if os.path.isdir(candidate):
        return candidate
    if split == "train":
        return root
    raise ValueError(
        f"{root} has no {split!r} subfolder. Put the {split} pairs in "
        f"{candidate}, or load the folder with split='train' (a folder without "
        "split subfolders is a single split)."
    )


def _domain_folders(folder):
    """`(a, b)` subfolder paths if `folder` has both (any case), else None."""
    found = {
        entry.name.lower(): entry.path
        for entry in os.scandir(folder)
        if entry.is_dir() and entry.name.lower() in _DOMAIN_NAMES
    }
    if set(found) == set(_DOMAIN_NAMES):
        return found["a"], found["b"]
    return None


def _domain_images(folder):
    images = image_folder.images_below(folder, recursive=True)
    if not images:
        raise ValueError(
            f"{folder} holds no images ({', '.join(image_folder.IMAGE_EXTENSIONS)}). "
            "Each domain folder needs its image files."
        )
    return images


def _matched_files_split(folder, domains, request):
    paths_a, paths_b = _matched_files(*domains)
    modes_a, sizes_a = image_folder.read_headers(paths_a)
    modes_b, sizes_b = image_folder.read_headers(paths_b)
    image_size = request.image_size
    if image_size is None:
        # Pair by pair first: a mismatched pair is the likelier mistake, and then
        # b/ holds the sizes of a/.
        _check_pair_sizes(paths_a, sizes_a, paths_b, sizes_b)
        image_size = image_folder.common_size(paths_a, sizes_a, domains[0])
    decode_a = image_folder.batch_decoder(
        image_size, request.channels or _channels_for(modes_a)
    )
    decode_b = image_folder.batch_decoder(
        image_size, request.channels or _channels_for(modes_b)
    )

    def to_batch(rows):
        return decode_a(rows[:, 0]), decode_b(rows[:, 1])

    return pipeline.RowSplit(np.stack([paths_a, paths_b], axis=1), None, to_batch)


def _matched_files(folder_a, folder_b):
    """Paths of `a/` and `b/` files paired by name (without extension), in order."""
    by_name_a = _by_stem(_domain_images(folder_a), folder_a)
    by_name_b = _by_stem(_domain_images(folder_b), folder_b)
    only_a = sorted(set(by_name_a) - set(by_name_b))
    only_b = sorted(set(by_name_b) - set(by_name_a))
    if only_a or only_b:
        raise ValueError(
            f"The files of {folder_a} and {folder_b} must match by name (extension "
            f"aside); unmatched in a/: {only_a[:5]}, in b/: {only_b[:5]}. Add the "
            "missing partners or remove the unmatched files."
        )
    names = sorted(by_name_a)
    return [by_name_a[name] for name in names], [by_name_b[name] for name in names]


def _by_stem(paths, folder):
    """`{relative path without extension: path}`, refusing two files with one stem."""
    found = {}
    for path in paths:
        stem = os.path.splitext(os.path.relpath(path, folder))[0]
        if stem in found:
            raise ValueError(
                f"{found[stem]} and {path} have the same name apart from the "
                "extension, so neither can be matched. Keep one of them."
            )
        found[stem] = path
    return found


def _check_pair_sizes(paths_a, sizes_a, paths_b, sizes_b):
    for path_a, size_a, path_b, size_b in zip(paths_a, sizes_a, paths_b, sizes_b):
        if size_a != size_b:
            raise ValueError(
                f"The pair {path_a} ({size_a[0]}×{size_a[1]}, width×height) and "
                f"{path_b} ({size_b[0]}×{size_b[1]}) differ in size. Resize the files "
                "to one size, or pass image_size=<side> or (height, width) to resize "
                "both halves of every pair to it."
            )


def _side_by_side_split(folder, paths, request):
    modes, sizes = image_folder.read_headers(paths)
    height, width = image_folder.common_size(paths, sizes, folder)
    if width % 2:
        raise ValueError(
            f"The side-by-side pairs of {folder} are {width} pixels wide, an odd "
            "number, so they cannot be cut into two equal halves (source | target). "
            "Each file must hold two images of the same size side by side."
        )
    half = width // 2
    image_size = request.image_size or (height, half)
    channels = request.channels or _channels_for(modes)
    decode_a = image_folder.batch_decoder(image_size, channels, box=(0, 0, half, height))
    decode_b = image_folder.batch_decoder(
        image_size, channels, box=(half, 0, width, height)
    )

    def to_batch(rows):
        return decode_a(rows), decode_b(rows)

    return pipeline.RowSplit(np.asarray(paths), None, to_batch)


def _unpaired_domain_folders(root, split):
    """The two domain folders: `<split>A`/`<split>B`, else a/ b/ (in `<split>/`)."""
    cyclegan = [os.path.join(root, f"{split}{letter}") for letter in "AB"]
    if all(os.path.isdir(path) for path in cyclegan):
        return cyclegan
    folder = os.path.join(root, split)
    if not os.path.isdir(folder):
        folder = root if split == "train" else None
    domains = None if folder is None else _domain_folders(folder)
    if domains is None:
        raise ValueError(
            f"{root} has no two domains for split {split!r}: expected CycleGAN's "
            f"{split}A/ and {split}B/ subfolders, or a/ and b/ subfolders (in "
            f"{os.path.join(root, split)}/, or in {root} itself for split='train')."
        )
    return list(domains)


def _channels_for(modes):
    return 1 if set(modes) <= set(image_folder.GRAYSCALE_MODES) else 3


def _check_same_size(sizes, folders, what):
    if sizes[0] != sizes[1]:
        raise ValueError(
            f"The two {what}s differ in image size: {folders[0]} holds "
            f"{sizes[0][0]}×{sizes[0][1]} images, {folders[1]} "
            f"{sizes[1][0]}×{sizes[1][1]} (height×width). Pass image_size=<side> or "
            "(height, width) to bring both to one size."
        )
