"""×4 super-resolution pairs: Fashion-MNIST, and the photographs pip ships.

Low-resolution images are made as the SR papers make them: MATLAB's bicubic
`imresize(high_res, 1/4)` (Keys a = -0.5, antialiased, mirrored borders; see
`kerasgan.utils.bicubic`), rounded to uint8 like the papers' stored LR images.

"photos-sr4" trains on patches of some natural photographs and tests on others, held
out like Set5/Set14: the colour photographs inside the scikit-image and
scikit-learn wheels. Each photograph is cropped to a multiple of 4 (bottom and right
edges, SR code's "modcrop") and shrunk whole; patches are then cut at aligned
positions from both, as DIV2K patches are. Training patches come in the 8 flips and
quarter turns (EDSR's augmentation), the same one for both halves of a pair; the
grayscale photographs (textures, a camera man, coins) train as RGB with three equal
channels. The dataset's train split (`open_photos_dataset`) also has matplotlib's
portrait, each photograph at 0.75 and 0.5 size, and each patch in the 6 orders of its
channels: at the zoo entry's length these gain 0.13 dB on the held-out photographs
(docs/variants/srgan.md, "The data levers at full length").
"""

import functools
import itertools

import numpy as np

from kerasgan.utils import bicubic
from kerasgan.data import fashion_mnist
from kerasgan.data import pipeline

SCALE = 4
FASHION_SPLIT_SIZES = {"train": 60_000, "test": 10_000}

# (package, how to read it): scikit-image's photographs ship in its wheel
# (skimage/data/*.png, *.jpg), scikit-learn's in sklearn/datasets/images,
# matplotlib's in matplotlib/mpl-data/sample_data.
PHOTOS = {
    "astronaut": ("scikit-image", "astronaut"),
    "immunohistochemistry": ("scikit-image", "immunohistochemistry"),
    "camera": ("scikit-image", "camera"),
    "coins": ("scikit-image", "coins"),
    "brick": ("scikit-image", "brick"),
    "grass": ("scikit-image", "grass"),
    "gravel": ("scikit-image", "gravel"),
    "rocket": ("scikit-image", "rocket"),
    "motorcycle": ("scikit-image", "stereo_motorcycle"),
    "china": ("scikit-learn", "china.jpg"),
    "chelsea": ("scikit-image", "chelsea"),
    "coffee": ("scikit-image", "coffee"),
    "flower": ("scikit-learn", "flower.jpg"),
    "grace_hopper": ("matplotlib", "grace_hopper.jpg"),
}
# Held out: a cat's fur (texture, as Set14's baboon), a cup on a table (flat regions
# and sharp rims), a flower (fine colour detail). Training sees a portrait, a rocket
# and its landscape, a motorcycle and a temple; then a stained tissue slide, a camera
# man, coins, brick, grass and gravel (grayscale, as RGB). Left out of the wheel's
# others: hubble_deep_field and retina (mostly black, and retina's 1411×1411 would
# outnumber the rest), moon (no licence stated).
FIRST_TRAIN_PHOTOS = ("astronaut", "rocket", "motorcycle", "china")
TRAIN_PHOTOS = FIRST_TRAIN_PHOTOS + (
    "immunohistochemistry", "camera", "coins", "brick", "grass", "gravel"
)
TEST_PHOTOS = ("chelsea", "coffee", "flower")
SPLIT_PHOTOS = {"train": TRAIN_PHOTOS, "test": TEST_PHOTOS}

# Training patches: 64×64 high-res / 16×16 low-res, every 8 high-res pixels.
TRAIN_PATCH_SIZE = (64, 64)
TRAIN_STRIDE = 8
# Test crops: the largest size every held-out photograph holds (chelsea is 300×451),
# one centred crop per photograph.
TEST_CROP_SIZE = (300, 448)
# Training rows: every patch position in each of the 8 dihedral transforms.
TRANSFORMS = 8
# With `colour_orders=True`, each of those also in the 6 orders of its RGB channels
# (the identity first): a photograph's luma, which PSNR scores, differs with the
# order, so a colour photograph gives 6 textures.
CHANNEL_ORDERS = tuple(itertools.permutations(range(3)))
# What the "photos-sr4" dataset's train split draws from (`open_photos_dataset`):
# every data lever of scripts/sr_recipe_search.py at once. `open_photos_split`'s own
# defaults stay the plain 10 photographs, which the search's earlier rows name.
DATASET_OPTIONS = dict(
    train_photos=TRAIN_PHOTOS + ("grace_hopper",),
    scales=(1, 0.75, 0.5),
    colour_orders=True,
)
# 61,505 patch positions (11 photographs at 3 sizes) in 8 transforms × 6 orders.
PHOTO_SPLIT_SIZES = {"train": 61_505 * TRANSFORMS * len(CHANNEL_ORDERS), "test": 3}


def fashion_pairs(split, image_size=None, data_dir=None):
    """Fashion-MNIST as `(low_res, high_res)` uint8 arrays.

    Args:
        split: "train" or "test".
        image_size: the high-res `(height, width)`, multiples of 4; None gives 32×32
            (28×28 padded with 2 pixels of background).
        data_dir: where to look for Fashion-MNIST first.

    Returns:
        `(low_res, high_res)`: uint8 `(n, h/4, w/4, 1)` and `(n, h, w, 1)`.
    """
    image_size = tuple(image_size or fashion_mnist.PADDED_SIZE)
    bicubic.check_scale(image_size, SCALE, "image_size")
    images, _ = fashion_mnist.load_arrays(split, data_dir)
    high_res = fashion_mnist.fit_to_size(images, image_size)
    return bicubic.downscale(high_res, SCALE), high_res


def open_fashion_split(request):
    """A 'fashion-mnist-sr4' split: batches `(low_res, high_res)` in [-1, 1]."""
    low_res, high_res = fashion_pairs(request.split, request.image_size, request.data_dir)
    tf = pipeline.tensorflow()
    stored_low = tf.constant(low_res)
    stored_high = tf.constant(high_res)

    def to_batch(indices):
        return (
            pipeline.fit_images(
                tf.gather(stored_low, indices), channels=request.channels
            ),
            pipeline.fit_images(
                tf.gather(stored_high, indices), channels=request.channels
            ),
        )

    return pipeline.RowSplit(np.arange(len(high_res), dtype="int32"), None, to_batch)


def load_photo(name):
    """One of the shipped photographs as uint8 `(height, width, 3)`.

    Args:
        name: a key of `PHOTOS` ("astronaut", "chelsea", "china", ...).
    """
    package, item = PHOTOS[name]
    if package == "matplotlib":
        import matplotlib.cbook
        import PIL.Image

        with matplotlib.cbook.get_sample_data(item) as file:
            return np.asarray(PIL.Image.open(file).convert("RGB"), dtype=np.uint8)
    if package == "scikit-learn":
        from sklearn.datasets import load_sample_image

        return np.asarray(load_sample_image(item), dtype=np.uint8)
    try:
        import skimage.data
    except ImportError as error:
        raise ImportError(
            "'photos-sr4' reads photographs shipped with scikit-image: pip install "
            "scikit-image."
        ) from error
    photo = getattr(skimage.data, item)()
    # stereo_motorcycle() gives (left, right, disparity): the left view.
    photo = np.asarray(photo[0] if isinstance(photo, tuple) else photo, dtype=np.uint8)
    # Grayscale photographs as RGB: three equal channels (their luma is the photo).
    return np.repeat(photo[..., None], 3, axis=-1) if photo.ndim == 2 else photo


def photo_pairs(split, names=None, scales=(1,)):
    """The split's photographs cropped to multiples of 4, and their low-res versions.

    Args:
        split: "train" or "test".
        names: the photographs to read instead of `SPLIT_PHOTOS[split]`.
        scales: each photograph also shrunk by these factors (MATLAB bicubic,
            antialiased) before it is cropped and shrunk ×4: 1 is the photograph.

    Returns:
        A tuple of `(low_res, high_res)` uint8 arrays, one pair per photograph and
        scale, in the order of `names` (scales varying fastest).
    """
    return _photo_pairs(tuple(names or SPLIT_PHOTOS[split]), tuple(scales))


@functools.lru_cache(maxsize=4)
def _photo_pairs(names, scales):
    pairs = []
    for name in names:
        photo = load_photo(name)
        for factor in scales:
            pairs.append(_low_high(_shrink(photo, factor)))
    return tuple(pairs)


def _shrink(photo, factor):
    if not 0 < factor <= 1:
        raise ValueError(f"A photograph's scale must be in (0, 1]; got {factor}.")
    if factor == 1:
        return photo
    size = tuple(int(round(side * factor)) for side in photo.shape[:2])
    return bicubic.resize(photo[None], size)[0]


def _low_high(photo):
    height, width = (side // SCALE * SCALE for side in photo.shape[:2])
    high_res = photo[None, :height, :width]
    return bicubic.downscale(high_res, SCALE)[0], high_res[0]


def patch_positions(shapes, patch_size, stride=None):
    """Top-left corners `(photo, top, left)` of the patches cut from each photograph.

    Args:
        shapes: `(height, width)` of each photograph.
        patch_size: `(height, width)` of a patch.
        stride: step between patches (overlapping patches); None cuts a centred grid
            of non-overlapping tiles.

    Returns:
        int32 `(n, 3)`; corners are multiples of the scale, so that low-res patches
        align with high-res ones.
    """
    rows = []
    for index, (height, width) in enumerate(shapes):
        tops = _starts(height, patch_size[0], stride)
        lefts = _starts(width, patch_size[1], stride)
        rows += [(index, top, left) for top in tops for left in lefts]
    return np.asarray(rows, dtype="int32").reshape(-1, 3)


def _starts(length, size, stride):
    if stride is not None:
        return range(0, length - size + 1, stride)
    count = length // size
    offset = (length - count * size) // 2 // SCALE * SCALE
    return range(offset, offset + count * size, size)


def open_photos_split(request, augment=True, train_photos=TRAIN_PHOTOS, scales=(1,),
                      colour_orders=False):
    """A 'photos-sr4' split: batches `(low_res, high_res)` in [-1, 1].

    Args:
        request: the `load()` arguments.
        augment: training rows are each patch in the 8 flips and quarter turns (4
            flips for non-square patches), applied alike to both halves; the test
            split is never augmented.
        train_photos: names of `PHOTOS` the train split cuts patches from.
        scales: the train split also cuts patches from its photographs shrunk by
            these factors (1: the photograph itself); natural images look alike
            at every scale, so each is more (if smaller) training data. The test
            split is always the photographs themselves.
        colour_orders: with `augment`, training rows are also each patch in the 6
            orders of its RGB channels (before any conversion to the requested
            channels), alike for both halves; the test split is never reordered.
    """
    train = request.split == "train"
    pairs = photo_pairs(request.split, train_photos if train else None,
                        scales if train else (1,))
    default = TRAIN_PATCH_SIZE if request.split == "train" else TEST_CROP_SIZE
    patch_size = tuple(request.image_size or default)
    bicubic.check_scale(patch_size, SCALE, "image_size")
    _check_fits(patch_size, [high.shape[:2] for _, high in pairs], request.split)
    stride = TRAIN_STRIDE if request.split == "train" else None
    positions = patch_positions([high.shape[:2] for _, high in pairs], patch_size, stride)
    square = patch_size[0] == patch_size[1]
    transforms = (TRANSFORMS if square else TRANSFORMS // 2) if train and augment else 1
    orders = len(CHANNEL_ORDERS) if colour_orders and train and augment else 1
    rows = with_transforms(positions, transforms * orders)
    tf = pipeline.tensorflow()
    stored_low = tf.constant(_stack_padded([low for low, _ in pairs]))
    stored_high = tf.constant(_stack_padded([high for _, high in pairs]))
    low_size = (patch_size[0] // SCALE, patch_size[1] // SCALE)

    def to_batch(rows):
        high = _gather_patches(
            stored_high, rows[:, 0], rows[:, 1], rows[:, 2], patch_size
        )
        low = _gather_patches(
            stored_low, rows[:, 0], rows[:, 1] // SCALE, rows[:, 2] // SCALE, low_size
        )
        # Code = order × transforms + dihedral transform (the order varies slowest).
        low, high = (transform(half, rows[:, 3] % transforms) for half in (low, high))
        if orders > 1:
            low, high = (reorder_channels(half, rows[:, 3] // transforms)
                         for half in (low, high))
        return (
            pipeline.fit_images(low, channels=request.channels),
            pipeline.fit_images(high, channels=request.channels),
        )

    return pipeline.RowSplit(rows, None, to_batch)


def open_photos_dataset(request):
    """The "photos-sr4" dataset's split: `open_photos_split` with `DATASET_OPTIONS`
    (the test split is the same 3 held-out photographs whatever the options)."""
    return open_photos_split(request, **DATASET_OPTIONS)


def with_transforms(positions, count):
    """Rows `(photo, top, left, transform)`: every position in transforms 0..count-1.

    The transform varies slowest, so the first rows are the untransformed patches;
    shuffling the rows draws a position and a transform at once, reproducibly under
    the pipeline's seed.
    """
    column = np.repeat(np.arange(count, dtype="int32"), len(positions))
    return np.concatenate([np.tile(positions, (count, 1)), column[:, None]], axis=1)


def transform(images, codes):
    """Each of the NHWC `images` in one of the 8 dihedral transforms.

    Bit 0 of its code flips it left-right, bit 1 upside down, bit 2 transposes it
    (square images only): the 8 codes are the 8 flips and quarter turns.
    """
    tf = pipeline.tensorflow()

    def where(bit, changed, images):
        chosen = tf.bitwise.bitwise_and(codes, bit) > 0
        return tf.where(chosen[:, None, None, None], changed, images)

    images = where(1, tf.reverse(images, axis=[2]), images)
    images = where(2, tf.reverse(images, axis=[1]), images)
    if images.shape[1] == images.shape[2]:
        images = where(4, tf.transpose(images, [0, 2, 1, 3]), images)
    return images


def reorder_channels(images, codes):
    """Each of the NHWC RGB `images` with its channels in `CHANNEL_ORDERS[code]`."""
    tf = pipeline.tensorflow()
    orders = tf.gather(tf.constant(CHANNEL_ORDERS, tf.int32), codes)
    return tf.gather(images, orders, axis=3, batch_dims=1)


def _check_fits(patch_size, shapes, split):
    smallest = tuple(min(shape[axis] for shape in shapes) for axis in (0, 1))
    if patch_size[0] > smallest[0] or patch_size[1] > smallest[1]:
        raise ValueError(
            f"image_size {patch_size} does not fit in every {split} photograph of "
            f"'photos-sr4': the smallest is {smallest[0]}×{smallest[1]} (after "
            f"cropping to multiples of {SCALE}). Use an image_size of at most that."
        )


def _stack_padded(images):
    """Photographs of different sizes in one array, padded at the bottom and right."""
    height = max(image.shape[0] for image in images)
    width = max(image.shape[1] for image in images)
    stacked = np.zeros((len(images), height, width, images[0].shape[-1]), np.uint8)
    for index, image in enumerate(images):
        stacked[index, : image.shape[0], : image.shape[1]] = image
    return stacked


def _gather_patches(stored, photos, tops, lefts, size):
    """`(n, *size, channels)` patches of `stored` at the given corners."""
    tf = pipeline.tensorflow()
    height, width = size
    rows = tops[:, None] + tf.range(height)[None, :]
    columns = lefts[:, None] + tf.range(width)[None, :]
    grid_shape = tf.stack([tf.shape(photos)[0], height, width])
    indices = tf.stack(
        [
            tf.broadcast_to(photos[:, None, None], grid_shape),
            tf.broadcast_to(rows[:, :, None], grid_shape),
            tf.broadcast_to(columns[:, None, :], grid_shape),
        ],
        axis=-1,
    )
    return tf.gather_nd(stored, indices)
