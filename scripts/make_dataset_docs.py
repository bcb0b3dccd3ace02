"""Renders docs/images/datasets/<name>.png and the dataset table of docs/datasets.md.

Image datasets get an 8×8 grid of samples; toy 2-D sets a scatter of 2,000 points;
image-to-image datasets 32 pairs side by side (source | target, domain A | domain B,
low-res enlarged | high-res), and photos-sr4 its held-out test photographs.
Datasets this machine cannot read (no download, no data_dir) are reported and left
without a picture. The table between the `<!-- datasets-table -->` markers of
docs/datasets.md is rewritten from `kerasgan.data.list()`; the rest of the page is
written by hand.

Usage:
    python scripts/make_dataset_docs.py
"""

import os
import re

import numpy as np
from PIL import Image
from PIL import ImageDraw

import kerasgan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_DIR = os.path.join(ROOT, "docs", "images", "datasets")
PAGE = os.path.join(ROOT, "docs", "datasets.md")
TABLE_MARKER = "<!-- datasets-table -->"
GRID_SIDE = 8
SCATTER_SIZE = 320
SCATTER_RANGE = 5.0  # the canvas shows [-5, 5]²: grid25 reaches ±4
# Image-to-image datasets: 8 rows of 4 pairs (source | target, A | B, low | high).
PAIR_ROWS = 8
PAIRS_PER_ROW = 4
IMAGE_TO_IMAGE_KINDS = ("paired images", "unpaired images", "super-resolution")


def image_grid(images, upscale, columns=GRID_SIDE):
    """A grid of images in [-1, 1] (8×8 by default) as a Pillow image, 2 px gaps."""
    images = ((images[: GRID_SIDE**2] + 1) * 127.5).round().clip(0, 255).astype(np.uint8)
    count, height, width, channels = images.shape
    rows = -(-count // columns)
    gap = 2
    canvas = np.full(
        (rows * (height + gap) + gap, columns * (width + gap) + gap, channels),
        255,
        dtype=np.uint8,
    )
    for index in range(count):
        row, column = divmod(index, columns)
        top, left = gap + row * (height + gap), gap + column * (width + gap)
        canvas[top : top + height, left : left + width] = images[index]
    grid = Image.fromarray(canvas[..., 0] if channels == 1 else canvas)
    return grid.resize(
        (grid.width * upscale, grid.height * upscale), Image.Resampling.NEAREST
    )


def to_pixels(points):
    """Canvas coordinates (y up) of points in [-5, 5]²."""
    return (points + SCATTER_RANGE) / (2 * SCATTER_RANGE) * SCATTER_SIZE


def scatter(points, centers=None):
    """A scatter plot of 2-D points on [-5, 5]², mode centres as red crosses."""
    canvas = Image.new("RGB", (SCATTER_SIZE, SCATTER_SIZE), "white")
    draw = ImageDraw.Draw(canvas)
    middle = SCATTER_SIZE / 2
    draw.line([(0, middle), (SCATTER_SIZE, middle)], fill=(220, 220, 220))
    draw.line([(middle, 0), (middle, SCATTER_SIZE)], fill=(220, 220, 220))
    for x, y in to_pixels(points):
        draw.ellipse(
            [x - 1.5, SCATTER_SIZE - y - 1.5, x + 1.5, SCATTER_SIZE - y + 1.5],
            fill=(30, 80, 200),
        )
    for x, y in to_pixels(centers) if centers is not None else []:
        y = SCATTER_SIZE - y
        draw.line([(x - 5, y - 5), (x + 5, y + 5)], fill=(220, 30, 30), width=2)
        draw.line([(x - 5, y + 5), (x + 5, y - 5)], fill=(220, 30, 30), width=2)
    return canvas


def pair_grid(first, second, upscale):
    """Pairs side by side, 4 pairs a row (8 rows): first | second, as NumPy in [-1, 1].

    A smaller first image (low-res) is enlarged by repeating pixels (nearest
    neighbour), so its pixels stay visible; grayscale beside RGB becomes RGB.
    """
    count = min(len(first), PAIR_ROWS * PAIRS_PER_ROW)
    first, second = first[:count], second[:count]
    factor = second.shape[1] // first.shape[1]
    first = first.repeat(factor, axis=1).repeat(factor, axis=2)
    if first.shape[-1] != second.shape[-1]:
        first, second = (
            np.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x for x in (first, second)
        )
    pairs = np.concatenate([first, second], axis=2)
    return image_grid(pairs, upscale, columns=PAIRS_PER_ROW)


def render_image_to_image(info):
    """32 batch pairs side by side (for unpaired data, unrelated A | B); for
    photos-sr4 its three held-out test photographs."""
    if info.name == "photos-sr4":
        low_res, high_res = kerasgan.data.load_numpy(info.name, split="test")
        return photo_pairs(low_res, high_res)
    dataset = kerasgan.data.load(info.name, batch_size=PAIR_ROWS * PAIRS_PER_ROW, seed=0)
    first, second = next(iter(dataset.as_numpy_iterator()))
    return pair_grid(first, second, upscale=2)


def photo_pairs(low_res, high_res):
    """The held-out photographs: low-res (enlarged ×4, nearest) above high-res."""
    factor = high_res.shape[1] // low_res.shape[1]
    enlarged = low_res.repeat(factor, axis=1).repeat(factor, axis=2)
    rows = [np.concatenate(list(images), axis=1) for images in (enlarged, high_res)]
    canvas = ((np.concatenate(rows, axis=0) + 1) * 127.5).round().clip(0, 255)
    picture = Image.fromarray(canvas.astype(np.uint8))
    return picture.resize(
        (picture.width // 2, picture.height // 2), Image.Resampling.LANCZOS
    )


def render(info):
    """The picture of one dataset, or None when it cannot be read here."""
    if info.kind in IMAGE_TO_IMAGE_KINDS:
        return render_image_to_image(info)
    if info.kind == "2-D points":
        points = kerasgan.data.load_numpy(info.name, split="test")[0][:2000]
        centers = (
            None
            if info.name == "swissroll"
            else kerasgan.data.toy_mixture(info.name).centers
        )
        return scatter(points, centers)
    dataset = kerasgan.data.load(info.name, batch_size=GRID_SIDE**2, seed=0)
    element = next(iter(dataset.as_numpy_iterator()))
    images = element[0] if isinstance(element, tuple) else element
    return image_grid(images, upscale=2 if images.shape[1] <= 32 else 1)


def markdown_table(infos, pictured):
    rows = [
        "| name | kind | size | resolution | labels | source | licence | samples |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for info in infos:
        size = (
            ", ".join(f"{split} {count:,}" for split, count in info.size.items())
            or "varies"
        )
        picture = f"[picture](#{info.name})" if info.name in pictured else "—"
        rows.append(
            f"| `{info.name}` | {info.kind} | {size} | {info.resolution} | {info.labels} "
            f"| {info.source} | {info.licence} | {picture} |"
        )
    return "\n".join(rows)


def update_page(table):
    with open(PAGE) as file:
        page = file.read()
    pattern = re.compile(f"{TABLE_MARKER}.*?{TABLE_MARKER}", re.DOTALL)
    if not pattern.search(page):
        raise ValueError(
            f"{PAGE} has no pair of {TABLE_MARKER} markers to put the table between."
        )
    page = pattern.sub(lambda _: f"{TABLE_MARKER}\n{table}\n{TABLE_MARKER}", page)
    with open(PAGE, "w") as file:
        file.write(page)


def main():
    os.makedirs(IMAGE_DIR, exist_ok=True)
    infos = kerasgan.data.list()
    pictured = []
    for info in infos:
        if info.name.startswith(("tfds:", "<")) or "<folder>" in info.name:
            continue
        try:
            picture = render(info)
        except (FileNotFoundError, ValueError) as error:
            print(f"{info.name}: no picture ({str(error).splitlines()[0][:160]}...)")
            continue
        path = os.path.join(IMAGE_DIR, f"{info.name}.png")
        picture.save(path, optimize=True)
        pictured.append(info.name)
        print(f"{info.name}: {os.path.relpath(path, ROOT)}")
    update_page(markdown_table(infos, pictured))
    print(f"table written to {os.path.relpath(PAGE, ROOT)}")


if __name__ == "__main__":
    main()
