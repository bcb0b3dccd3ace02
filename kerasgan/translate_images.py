"""Image files in, image files out: what `kerasgan translate` and `kerasgan upscale` run.

Inputs are decoded to the model's input size and channels (cover and crop, as the
folder datasets do), scaled to [-1, 1], translated in batches and written as PNGs,
each atomically. A folder of images gives a folder of outputs with the same names.
"""

import pathlib

import numpy as np

from kerasgan.data.folder import IMAGE_EXTENSIONS
from kerasgan.data.folder import decode_image
from kerasgan.data.folder import images_below
from kerasgan.engine.protocols import DataToData
from kerasgan.utils.images import save_png
from kerasgan.utils.images import to_uint8


def input_paths(source):
    """The image files of `source`: the file itself, or the images at a folder's top."""
    source = pathlib.Path(source)
    if source.is_dir():
        paths = [pathlib.Path(p) for p in images_below(source, recursive=False)]
        if not paths:
            raise ValueError(
                f"{source} holds no images ({', '.join(IMAGE_EXTENSIONS)}) at its top."
            )
        return paths
    if not source.is_file():
        raise ValueError(f"{source} is neither an image file nor a folder of images.")
    return [source]


def output_paths(source, paths, out, suffix):
    """Where each output goes: `out` for one file, `out/<name>.png` for a folder."""
    source = pathlib.Path(source)
    if source.is_dir():
        folder = pathlib.Path(out or f"{source.name}_{suffix}")
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"--out {folder} is a file; a folder input needs a folder.")
        return [folder / f"{path.stem}.png" for path in paths]
    return [pathlib.Path(out or f"{source.stem}_{suffix}.png")]


def translate_files(model, source, out=None, direction=None, suffix="translated",
                    batch_size=16, self_ensemble=False):
    """Translates the image file or folder `source` with `model`; returns the outputs.

    Args:
        model: a data-to-data model (`translate(x, direction=...)`).
        source: an image file or a folder of images.
        out: the output PNG (file input) or folder (folder input); default beside
            the current directory, `<name>_<suffix>.png`.
        direction: for two-way models, `"a_to_b"` or `"b_to_a"`.
        suffix: the default output name's suffix.
        batch_size: images translated at once.
        self_ensemble: upscale with `model.upscale(..., self_ensemble=True)` (the
            8 flips and quarter turns averaged; super-resolution models only).
    """
    if not isinstance(model, DataToData):
        raise ValueError(
            f"{type(model).__name__} generates from latents; it does not translate "
            "images. Use `kerasgan sample` for it, or a Pix2Pix, CycleGAN or SRGAN model."
        )
    paths = input_paths(source)
    targets = output_paths(source, paths, out, suffix)
    network = model.translator(direction)
    height, width, channels = network.input_shape[1:]
    for start in range(0, len(paths), batch_size):
        chunk = paths[start : start + batch_size]
        images = np.stack([_read(path, height, width, channels) for path in chunk])
        outputs = (model.upscale(images, self_ensemble=True) if self_ensemble
                   else model.translate(images, direction=direction))
        for image, target in zip(outputs, targets[start : start + batch_size]):
            save_png(to_uint8(image[None])[0], target)
    return targets


def _read(path, height, width, channels):
    if height is None or width is None:  # a fully convolutional generator: any size
        from PIL import Image

        with Image.open(path) as image:
            width, height = image.size
    array = decode_image(str(path), (height, width), channels)
    return array.astype("float32") / 127.5 - 1.0
