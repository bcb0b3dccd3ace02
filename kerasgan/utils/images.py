"""Turning generated batches into pictures."""

import math

import numpy as np
from PIL import Image

from kerasgan.utils.files import atomic_path


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps float images in `value_range` to uint8 [0, 255], clipping outliers."""
    low, high = value_range
    scaled = (np.asarray(images, dtype="float32") - low) / (high - low)
    return np.clip(np.round(scaled * 255.0), 0, 255).astype("uint8")


def centre_crop(images, side):
    """The central `side`×`side` region of images `(..., h, w, c)` (whole sides
    that are shorter)."""
    height, width = images.shape[-3:-1]
    top, left = max(0, (height - side) // 2), max(0, (width - side) // 2)
    return images[..., top : top + side, left : left + side, :]


def image_grid(images, columns=None, padding=2, value_range=(-1.0, 1.0)):
    """Tiles a batch `(n, h, w, c)` into one uint8 image `(H, W, c)`.

    Args:
        images: float images in `value_range`, 1 or 3 channels.
        columns: images per row; default: a near-square grid.
        padding: pixels of black between images.
        value_range: the range mapped to [0, 255].

    Returns:
        A uint8 array of shape `(H, W, channels)`.
    """
    images = to_uint8(images, value_range)
    if images.ndim != 4:
        raise ValueError(
            f"image_grid needs a batch (n, h, w, c); got shape {images.shape}."
        )
    n, height, width, channels = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.zeros(
        (
            rows * (height + padding) + padding,
            columns * (width + padding) + padding,
            channels,
        ),
        dtype="uint8",
    )
    for index, image in enumerate(images):
        top = padding + (index // columns) * (height + padding)
        left = padding + (index % columns) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def save_png(array, path, scale=1):
    """Writes a uint8 `(H, W, 1|3)` array as a PNG, atomically; `scale` enlarges it."""
    image = _to_pil(array, scale)
    with atomic_path(path) as tmp:
        image.save(tmp, format="PNG")
    return path


def save_gif(frames, path, duration_ms=100, scale=1):
    """Writes uint8 `(H, W, 1|3)` frames as a looping animated GIF, atomically."""
    images = [_to_pil(frame, scale) for frame in frames]
    with atomic_path(path) as tmp:
        images[0].save(
            tmp,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=duration_ms,
            loop=0,
        )
    return path


def save_samples(samples, path, scale=2, columns=None):
    """Writes generated samples as a PNG: a grid for images, a scatter for 2-D points.

    Args:
        samples: `(n, h, w, c)` images in [-1, 1] or `(n, 2)` points.
        path: the PNG path (written atomically).
        scale: integer enlargement of an image grid.
        columns: images per row of the grid.

    Returns:
        `path`.
    """
    samples = np.asarray(samples)
    if samples.ndim == 2 and samples.shape[1] == 2:
        from kerasgan.utils.plots import save_scatter

        return save_scatter(samples, path)
    if samples.ndim != 4:
        raise ValueError(
            "save_samples draws images (n, h, w, c) or 2-D points (n, 2); got samples "
            f"of shape {samples.shape}."
        )
    return save_png(image_grid(samples, columns=columns), path, scale=scale)


def _to_pil(array, scale):
    array = np.asarray(array)
    image = Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array)
    if scale != 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    return image
