"""A folder of images; its class subfolders, if any, become labels.

Files are checked (header only) when the dataset is made, so an unreadable file is
named up front; Pillow decodes, converts and resizes each batch inside the tf.data
pipeline, in parallel, and a file that fails to decode there is named too.
"""

import os

import numpy as np
from PIL import Image
from PIL import ImageOps

from kerasgan.data import pipeline

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
GRAYSCALE_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")
_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N")


def open_split(request, folder):
    """Images of a folder as a split, decoded in batches by Pillow.

    Args:
        request: the `load()` arguments.
        folder: path of the folder.

    Returns:
        A `RowSplit` whose rows are file paths.
    """
    if request.split != "train":
        raise ValueError(
            f"A folder of images is a single split; got split={request.split!r}. Load "
            "a test set by the path of its own folder."
        )
    paths, labels, _ = list_images(folder)
    modes, sizes = read_headers(paths)
    channels = request.channels or (1 if set(modes) <= set(GRAYSCALE_MODES) else 3)
    image_size = request.image_size or common_size(paths, sizes, folder)
    return pipeline.RowSplit(
        np.asarray(paths), labels, batch_decoder(image_size, channels)
    )


def list_images(folder):
    """Image files of `folder`, their labels and the class names.

    Either all images lie in class subfolders (label i for the i-th subfolder in
    sorted order) or none does (no labels).

    Returns:
        `(paths, labels, class_names)`: sorted paths, int32 labels or None, and the
        subfolder names in label order ([] when unlabelled).
    """
    top_images = images_below(folder, recursive=False)
    classes = sorted(
        entry.name
        for entry in os.scandir(folder)
        if entry.is_dir()
        and not entry.name.startswith(".")
        and images_below(entry.path, recursive=True)
    )
    if top_images and classes:
        raise ValueError(
            f"{folder} mixes images ({os.path.basename(top_images[0])}, ...) with class "
            f"subfolders ({', '.join(classes[:3])}). Move every image into a class "
            "subfolder (labelled dataset) or out of the subfolders (unlabelled)."
        )
    if top_images:
        return top_images, None, []
    if not classes:
        raise ValueError(
            f"{folder} holds no images ({', '.join(IMAGE_EXTENSIONS)}), neither at "
            "its top nor in subfolders. Point to the folder that holds the images."
        )
    paths, labels = [], []
    for label, name in enumerate(classes):
        class_paths = images_below(os.path.join(folder, name), recursive=True)
        paths += class_paths
        labels += [label] * len(class_paths)
    return paths, np.asarray(labels, dtype="int32"), classes


def folder_class_names(folder):
    """The class names of a folder dataset: label i is the i-th name.

    Args:
        folder: a folder of images with class subfolders.

    Returns:
        The class subfolder names in label order; [] when the images are unlabelled.

    Example:

    ```python
    names = kerasgan.data.folder_class_names("flowers/")  # ["daisy", "rose", ...]
    ```
    """
    return list_images(folder)[2]


def images_below(folder, recursive):
    """Sorted paths of the image files in `folder` (and its subfolders if recursive)."""
    found = []
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        found += [
            os.path.join(root, name)
            for name in sorted(files)
            if name.lower().endswith(IMAGE_EXTENSIONS) and not name.startswith(".")
        ]
        if not recursive:
            break
    return found


def read_headers(paths):
    """Modes and sizes of the images, from their headers (no decoding)."""
    modes, sizes = [], []
    for path in paths:
        try:
            with Image.open(path) as image:
                modes.append(image.mode)
                sizes.append(image.size)
        except (OSError, ValueError) as error:
            raise ValueError(
                f"{path} is not a readable image ({error}). Remove or replace it."
            ) from error
    return modes, sizes


def common_size(paths, sizes, folder):
    """The one size (height, width) all images share; an error names two that differ."""
    first = sizes[0]
    for path, size in zip(paths, sizes, strict=True):
        if size != first:
            raise ValueError(
                f"The images of {folder} differ in size ({paths[0]} is "
                f"{first[0]}×{first[1]}, {path} is {size[0]}×{size[1]}, width×height). "
                "Pass image_size=<side> or (height, width) to resize and crop them."
            )
    return first[1], first[0]


def batch_decoder(image_size, channels, box=None):
    """A tf function decoding a batch of paths to float32 images in [-1, 1].

    `box` (left, upper, right, lower) takes that region of every file (one half of
    a side-by-side pair) before fitting it to `image_size`.
    """
    tf = pipeline.tensorflow()
    height, width = image_size

    def decode_paths(paths):
        images = np.empty((len(paths), height, width, channels), dtype=np.uint8)
        for i, path in enumerate(paths):
            images[i] = decode_image(path.decode(), image_size, channels, box)
        return images

    def to_batch(paths):
        images = tf.numpy_function(decode_paths, [paths], tf.uint8, stateful=False)
        images.set_shape([None, height, width, channels])
        return pipeline.fit_images(images)

    return to_batch


def decode_image(path, image_size, channels, box=None):
    """Decodes an image file to uint8 `(height, width, channels)`, covering and cropping.

    Args:
        path: the image file.
        image_size: `(height, width)`.
        channels: 1 or 3.
        box: `(left, upper, right, lower)`: decode only this region; None for all.

    Returns:
        A uint8 NumPy array.
    """
    height, width = image_size
    mode = "L" if channels == 1 else "RGB"
    try:
        with Image.open(path) as image:
            if box is None:
                # JPEG can decode at 1/2, 1/4 or 1/8 scale directly: much faster for
                # photos larger than the target (a box would then be misplaced).
                image.draft(mode, (width, height))
            image = to_mode(image, mode)
            if box is not None:
                image = image.crop(box)
            if image.size != (width, height):
                image = ImageOps.fit(image, (width, height), Image.Resampling.BILINEAR)
            array = np.asarray(image, dtype=np.uint8)
    except (OSError, ValueError) as error:
        raise ValueError(
            f"Cannot decode image {path} ({error}). Remove or replace the file."
        ) from error
    return array.reshape(height, width, channels)


def to_mode(image, mode):
    """A Pillow image converted to "L" or "RGB", scaling 16-bit grayscale to 8 bits."""
    if image.mode in _SIXTEEN_BIT_MODES:
        # Pillow's convert("L") clips 16-bit values at 255 instead of scaling them.
        scaled = (np.asarray(image, dtype=np.float32) / 257.0).round().astype(np.uint8)
        image = Image.fromarray(scaled, mode="L")
    if image.mode == mode:
        return image
    return image.convert(mode)
