"""Image-to-image data: edges2fashion, sneaker2boot, the ×4 SR sets, pair folders, tfds.

Runs on the backend KERAS_BACKEND names. Fashion-MNIST datasets read a small data_dir
holding the first real images of each split (fast, and independent of the edge
cache of the machine); the cache itself lives in a temporary $KERASGAN_CACHE.
"""

import gzip
import struct

import keras
import numpy as np
import pytest
from PIL import Image

import kerasgan
from conftest import require_fashion_mnist
from kerasgan.utils import bicubic
from kerasgan.data import derived_cache
from kerasgan.data import edges2fashion
from kerasgan.data import fashion_mnist
from kerasgan.data import pipeline
from kerasgan.data import sneaker2boot
from kerasgan.data import super_resolution
from kerasgan.data import tfds_source

SMALL_SPLITS = {"train": 300, "test": 200}
IDX_NAMES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


# ------------------------------------------------------------------ helpers
def _write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    with gzip.open(path, "wb") as file:
        file.write(header + np.ascontiguousarray(array, np.uint8).tobytes())


@pytest.fixture(scope="module")
def fashion_dir(tmp_path_factory):
    """A data_dir with the first real Fashion-MNIST images of each split."""
    require_fashion_mnist()
    folder = tmp_path_factory.mktemp("fashion")
    for split, count in SMALL_SPLITS.items():
        images, labels = fashion_mnist.load_arrays(split)
        _write_idx(folder / IDX_NAMES[split][0], images[:count, ..., 0])
        _write_idx(folder / IDX_NAMES[split][1], labels[:count])
    return str(folder)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))


def first_batch(dataset):
    return next(iter(dataset.as_numpy_iterator()))


def to_uint8(images):
    return np.round((images + 1.0) * 127.5).astype(np.uint8)


def write_image(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    array = np.asarray(array, np.uint8)
    Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array).save(path)


def filled(height, width, value, channels=3):
    return np.full((height, width, channels), value, np.uint8)


# ------------------------------------------------------------------ registry
def test_list_names_the_image_to_image_datasets_and_their_batches():
    kinds = {info.name: info.kind for info in kerasgan.data.list()}
    assert kinds["edges2fashion"] == "paired images"
    assert kinds["sneaker2boot"] == "unpaired images"
    assert kinds["fashion-mnist-sr4"] == "super-resolution"
    assert kinds["photos-sr4"] == "super-resolution"
    assert kinds["paired:<folder>"] == "paired images"
    assert kinds["unpaired:<folder>"] == "unpaired images"
    assert kinds["tfds:cycle_gan/<name>"] == "unpaired images"


# ------------------------------------------------------------------ edges2fashion
def test_edges2fashion_pairs_edge_maps_with_the_images_they_come_from(fashion_dir):
    dataset = kerasgan.data.load(
        "edges2fashion", split="test", batch_size=16, shuffle=False, data_dir=fashion_dir
    )
    edges, images = first_batch(dataset)
    assert edges.shape == images.shape == (16, 32, 32, 1)
    assert edges.dtype == images.dtype == np.float32
    assert set(np.unique(edges)) == {-1.0, 1.0}
    assert images.min() == -1.0 and images.max() <= 1.0
    raw, _ = fashion_mnist.load_arrays("test", fashion_dir)
    np.testing.assert_array_equal(to_uint8(images)[:, 2:30, 2:30], raw[:16])
    # The source is Canny run on its own target, nothing else.
    recomputed = edge_maps_of(to_uint8(images))
    np.testing.assert_array_equal(edges == 1.0, recomputed)
    assert (edges == 1.0).mean() > 0.05  # outlines, not an empty map


def edge_maps_of(images):
    from skimage.feature import canny

    return np.stack(
        [
            canny(image[..., 0] / 255.0, sigma=edges2fashion.CANNY_SIGMA)
            for image in images
        ]
    )[..., None]


def test_edges2fashion_numpy_arrays_and_options(fashion_dir):
    sources, targets = kerasgan.data.load_numpy(
        "edges2fashion", split="train", data_dir=fashion_dir
    )
    assert sources.shape == targets.shape == (SMALL_SPLITS["train"], 32, 32, 1)
    big_edges, big_images = kerasgan.data.load_numpy(
        "edges2fashion", split="test", image_size=48, channels=3, data_dir=fashion_dir
    )
    assert big_edges.shape == big_images.shape == (SMALL_SPLITS["test"], 48, 48, 3)
    gray_images = to_uint8(big_images[..., :1])
    np.testing.assert_array_equal(big_edges[..., :1] == 1.0, edge_maps_of(gray_images))


def test_edge_maps_are_cached_and_a_damaged_cache_is_recomputed(fashion_dir, monkeypatch):
    first = edges2fashion.paired_arrays("test", data_dir=fashion_dir)[0]
    cached = list((derived_cache.cache_dir() / "datasets").glob("edges2fashion-test-*"))
    assert sorted(path.suffix for path in cached) == [".json", ".npz"]

    def no_canny(images):
        raise AssertionError("the cache should have been used")

    canny = edges2fashion.edge_maps
    monkeypatch.setattr(edges2fashion, "edge_maps", no_canny)
    np.testing.assert_array_equal(
        edges2fashion.paired_arrays("test", data_dir=fashion_dir)[0], first
    )
    monkeypatch.setattr(edges2fashion, "edge_maps", canny)
    npz = next(path for path in cached if path.suffix == ".npz")
    npz.write_bytes(npz.read_bytes()[:-10])  # truncated: fails its sha256
    recomputed = edges2fashion.paired_arrays("test", data_dir=fashion_dir)[0]
    np.testing.assert_array_equal(recomputed, first)
    assert derived_cache._read_if_intact(npz) is not None  # rewritten whole


# ------------------------------------------------------------------ sneaker2boot
def test_sneaker2boot_domains_are_the_two_classes_from_disjoint_images(fashion_dir):
    sneakers, boots = kerasgan.data.load_numpy(
        "sneaker2boot", split="train", data_dir=fashion_dir
    )
    raw, labels = fashion_mnist.load_arrays("train", fashion_dir)
    indices_a, indices_b = sneaker2boot.domain_indices("train", fashion_dir)
    assert set(indices_a).isdisjoint(indices_b)
    assert (labels[indices_a] == 7).all() and (labels[indices_b] == 9).all()
    assert len(sneakers) == (labels == 7).sum() and len(boots) == (labels == 9).sum()
    np.testing.assert_array_equal(to_uint8(sneakers)[:, 2:30, 2:30], raw[indices_a])
    np.testing.assert_array_equal(to_uint8(boots)[:, 2:30, 2:30], raw[indices_b])
    dataset = kerasgan.data.load("sneaker2boot", batch_size=8, data_dir=fashion_dir)
    domain_a, domain_b = first_batch(dataset)
    assert domain_a.shape == domain_b.shape == (8, 32, 32, 1)


def counting_domain(size):
    """A domain whose 'images' are their own row numbers, to follow the shuffles."""
    tf = pipeline.tensorflow()
    return pipeline.RowSplit(
        np.arange(size, dtype="int32"), None, lambda rows: tf.cast(rows, tf.float32)
    )


def epoch_pairs(dataset):
    pairs = [np.stack([a, b], axis=1) for a, b in dataset.as_numpy_iterator()]
    return np.concatenate(pairs).astype(int)


def test_unpaired_domains_are_shuffled_apart_every_epoch():
    split = pipeline.UnpairedSplit(counting_domain(50), counting_domain(50))
    dataset = pipeline.make_dataset(split, 10, True, seed=3, drop_remainder=False)
    first, second = epoch_pairs(dataset), epoch_pairs(dataset)
    for pairs in (first, second):
        assert sorted(pairs[:, 0]) == sorted(pairs[:, 1]) == list(range(50))
        # The same seed must not give both domains one permutation (a fixed pairing).
        assert (pairs[:, 0] == pairs[:, 1]).mean() < 0.2
    assert not np.array_equal(first, second)


def test_the_smaller_domain_is_repeated_to_cover_the_larger_once():
    split = pipeline.UnpairedSplit(counting_domain(7), counting_domain(20))
    pairs = epoch_pairs(pipeline.make_dataset(split, 5, True, 0, drop_remainder=False))
    assert sorted(pairs[:, 1]) == list(range(20))
    assert set(pairs[:, 0]) == set(range(7)) and len(pairs) == 20


# ------------------------------------------------------------------ super-resolution
def test_fashion_mnist_sr4_pairs_are_bicubic_quarter_size(fashion_dir):
    low, high = first_batch(
        kerasgan.data.load(
            "fashion-mnist-sr4",
            split="test",
            batch_size=8,
            shuffle=False,
            data_dir=fashion_dir,
        )
    )
    assert low.shape == (8, 8, 8, 1) and high.shape == (8, 32, 32, 1)
    assert low.min() >= -1.0 and low.max() <= 1.0
    np.testing.assert_array_equal(to_uint8(low), bicubic.downscale(to_uint8(high), 4))
    low, high = kerasgan.data.load_numpy(
        "fashion-mnist-sr4", split="test", image_size=64, data_dir=fashion_dir
    )
    assert low.shape[1:] == (16, 16, 1) and high.shape[1:] == (64, 64, 1)


def test_a_scale_that_does_not_divide_the_size_is_refused(fashion_dir):
    with pytest.raises(
        ValueError, match=r"scale 4 does not divide image_size \(30, 30\)"
    ):
        kerasgan.data.load("fashion-mnist-sr4", image_size=30, data_dir=fashion_dir)
    with pytest.raises(ValueError, match=r"multiple of 4.*\(64, 64\)"):
        kerasgan.data.load("photos-sr4", image_size=66)
    with pytest.raises(ValueError, match="does not fit in every test photograph"):
        kerasgan.data.load("photos-sr4", split="test", image_size=512, batch_size=1)
    with pytest.raises(ValueError, match="does not divide"):
        bicubic.downscale(np.zeros((1, 10, 12, 1), np.uint8), 4)


def test_every_shipped_photograph_reads_as_uint8_rgb_from_its_package():
    # Three packages ship them (scikit-image, scikit-learn, matplotlib); each route
    # must give (height, width, 3) uint8, grayscale photographs as three equal channels.
    for name in super_resolution.PHOTOS:
        photo = super_resolution.load_photo(name)
        assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[2] == 3, name
        assert min(photo.shape[:2]) >= 256 and photo.std() > 10, name
    gray = super_resolution.load_photo("camera")
    np.testing.assert_array_equal(gray[..., 0], gray[..., 2])
    portrait = super_resolution.load_photo("grace_hopper")
    assert portrait.shape == (600, 512, 3) and np.abs(
        portrait[..., 0].astype(int) - portrait[..., 2]).max() > 0  # colour


def test_photos_sr4_patches_align_with_the_whole_photo_downscale():
    assert set(super_resolution.TRAIN_PHOTOS).isdisjoint(super_resolution.TEST_PHOTOS)
    dataset = kerasgan.data.load("photos-sr4", batch_size=4, shuffle=False)
    assert int(dataset.cardinality()) * 4 == super_resolution.PHOTO_SPLIT_SIZES["train"]
    low, high = first_batch(dataset)
    assert low.shape == (4, 16, 16, 3) and high.shape == (4, 64, 64, 3)
    photo_low, photo_high = super_resolution.photo_pairs("train")[0]
    positions = super_resolution.patch_positions([photo_high.shape[:2]], (64, 64), 8)
    for patch_low, patch_high, (_, top, left) in zip(low, high, positions[:4]):
        np.testing.assert_array_equal(
            to_uint8(patch_high), photo_high[top : top + 64, left : left + 64]
        )
        np.testing.assert_array_equal(
            to_uint8(patch_low),
            photo_low[top // 4 : top // 4 + 16, left // 4 : left // 4 + 16],
        )


def test_photos_sr4_scales_add_shrunk_photographs_to_the_train_split_only():
    photo = super_resolution.load_photo("astronaut")  # 512 × 512
    pairs = super_resolution.photo_pairs("train", names=["astronaut"], scales=(1, 0.75))
    (low, high), (small_low, small_high) = pairs
    np.testing.assert_array_equal(high, photo)
    np.testing.assert_array_equal(
        small_high, bicubic.resize(photo[None], (384, 384))[0])
    np.testing.assert_array_equal(
        small_low, bicubic.downscale(small_high[None], 4)[0])
    plain = super_resolution.open_photos_split(photos_request("train"))
    scaled = super_resolution.open_photos_split(photos_request("train"), scales=(1, 0.5))
    assert len(scaled.rows) > len(plain.rows)
    test = super_resolution.open_photos_split(photos_request("test"), scales=(1, 0.5))
    assert len(test.rows) == super_resolution.PHOTO_SPLIT_SIZES["test"]
    with pytest.raises(ValueError, match="scale must be in"):
        super_resolution.photo_pairs("train", names=["astronaut"], scales=(1.5,))


def test_photos_sr4_dataset_trains_on_every_data_lever_and_tests_on_the_same_photographs():
    train = super_resolution.open_photos_dataset(photos_request("train"))
    assert len(train.rows) == super_resolution.PHOTO_SPLIT_SIZES["train"] == 61_505 * 48
    # 11 photographs at 3 sizes, each patch in 8 flips/turns × 6 channel orders.
    assert len(np.unique(train.rows[:, 0])) == 11 * 3
    np.testing.assert_array_equal(np.unique(train.rows[:, 3]), np.arange(48))
    assert "grace_hopper" in super_resolution.DATASET_OPTIONS["train_photos"]
    test = super_resolution.open_photos_dataset(photos_request("test"))
    plain = super_resolution.open_photos_split(photos_request("test"))
    np.testing.assert_array_equal(test.rows, plain.rows)
    for ours, theirs in zip(test.to_batch(test.rows), plain.to_batch(plain.rows)):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def photos_request(split):
    return kerasgan.data.registry.Request(split, None, None, False, None, None, None, None)


def dihedral(image, code):
    """NumPy reference for `super_resolution.transform` on one HWC image."""
    image = image[:, ::-1] if code & 1 else image
    image = image[::-1] if code & 2 else image
    return image.transpose(1, 0, 2) if code & 4 else image


def test_photos_sr4_training_patches_come_in_8_aligned_flips_and_turns():
    split = super_resolution.open_photos_split(photos_request("train"))
    positions = len(split.rows) // 8
    assert len(split.rows) == 32_115 * 8  # the 10 photographs' patch positions
    # Every patch position occurs in each of the 8 transforms.
    codes = split.rows[:, 3].reshape(8, positions)
    assert (codes == np.arange(8)[:, None]).all()
    np.testing.assert_array_equal(split.rows[:positions, :3], split.rows[-positions:, :3])
    # One textured position (grass), in all 8 transforms.
    index = positions - 1000
    low, high = (to_uint8(half.numpy()) for half in split.to_batch(
        split.rows[index::positions]
    ))
    assert len({patch.tobytes() for patch in high}) == 8
    for code in range(8):
        np.testing.assert_array_equal(high[code], dihedral(high[0], code))
        np.testing.assert_array_equal(low[code], dihedral(low[0], code))
        # Both halves turned alike: the low-res half is still the high-res
        # half's bicubic quarter (inside the borders, where the rest of the
        # photograph does not reach).
        np.testing.assert_allclose(
            bicubic.downscale(high[code][None], 4)[0][3:-3, 3:-3].astype(int),
            low[code][3:-3, 3:-3].astype(int),
            atol=1,
        )
    # Without augmentation (and always for the test split), one transform: none.
    plain = super_resolution.open_photos_split(photos_request("train"), augment=False)
    assert len(plain.rows) == positions and not plain.rows[:, 3].any()
    test = super_resolution.open_photos_split(photos_request("test"))
    assert len(test.rows) == 3 and not test.rows[:, 3].any()


def test_photos_sr4_colour_orders_reorder_both_halves_of_every_flip_and_turn():
    plain = super_resolution.open_photos_split(photos_request("train"))
    coloured = super_resolution.open_photos_split(photos_request("train"), colour_orders=True)
    positions = len(plain.rows) // 8
    assert len(coloured.rows) == 6 * len(plain.rows)
    # A position in a colour photograph, in all 48 codes: order × 8 + flip/turn.
    index = 5000
    low, high = (to_uint8(half.numpy()) for half in coloured.to_batch(
        coloured.rows[index::positions]
    ))
    base_low, base_high = (to_uint8(half.numpy()) for half in plain.to_batch(
        plain.rows[index:index + 1]
    ))
    assert len(super_resolution.CHANNEL_ORDERS) == 6
    assert np.ptp(base_high[0].astype(int), axis=-1).max() > 50  # not gray
    assert len({patch.tobytes() for patch in high}) == 48
    for code in range(48):
        order = list(super_resolution.CHANNEL_ORDERS[code // 8])
        np.testing.assert_array_equal(high[code], dihedral(base_high[0], code % 8)[..., order])
        np.testing.assert_array_equal(low[code], dihedral(base_low[0], code % 8)[..., order])
    # The test split is never augmented, with or without it.
    test = super_resolution.open_photos_split(photos_request("test"), colour_orders=True)
    assert len(test.rows) == 3 and not test.rows[:, 3].any()


def test_photos_sr4_test_split_is_the_held_out_photographs():
    low, high = kerasgan.data.load_numpy("photos-sr4", split="test")
    assert low.shape == (3, 75, 112, 3) and high.shape == (3, 300, 448, 3)
    tiles_low, tiles_high = kerasgan.data.load_numpy(
        "photos-sr4", split="test", image_size=64
    )
    assert tiles_low.shape[1:] == (16, 16, 3) and tiles_high.shape[1:] == (64, 64, 3)
    # Non-overlapping tiles: as many as fit in each held-out photograph.
    expected = sum(
        (h // 64) * (w // 64)
        for _, photo in super_resolution.photo_pairs("test")
        for h, w in [photo.shape[:2]]
    )
    assert len(tiles_high) == expected


def test_bicubic_is_matlab_imresize_inside_the_borders():
    photo = super_resolution.load_photo("astronaut")[:128, :128].astype("float32")
    low = bicubic.resize(photo[None], (32, 32))[0]

    def pillow(image, size):
        return np.stack(
            [
                np.asarray(
                    Image.fromarray(image[..., c], mode="F").resize(
                        size, Image.Resampling.BICUBIC
                    )
                )
                for c in range(image.shape[-1])
            ],
            axis=-1,
        )

    # Pillow's float bicubic is the same antialiased Keys kernel but truncates at the
    # borders, where MATLAB mirrors: inside, both agree.
    np.testing.assert_allclose(
        low[3:-3, 3:-3], pillow(photo, (32, 32))[3:-3, 3:-3], atol=1e-3
    )
    up = bicubic.resize(low[None], (128, 128))[0]
    np.testing.assert_allclose(
        up[8:-8, 8:-8], pillow(low, (128, 128))[8:-8, 8:-8], atol=1e-3
    )
    flat = np.full((2, 32, 32, 1), 77, np.uint8)
    assert (bicubic.downscale(flat, 4) == 77).all() and (
        bicubic.upscale(flat, 4) == 77
    ).all()


# ------------------------------------------------------------------ folders
def side_by_side(value):
    return np.concatenate([filled(16, 16, value), filled(16, 16, value + 100)], axis=1)


def test_side_by_side_pairs_are_cut_into_source_and_target(tmp_path):
    for i in range(3):
        write_image(tmp_path / "train" / f"{i}.png", side_by_side(10 * i))
        write_image(tmp_path / "test" / f"{i}.jpg", side_by_side(0))
    sources, targets = kerasgan.data.load_numpy(f"paired:{tmp_path}")
    assert sources.shape == targets.shape == (3, 16, 16, 3)
    np.testing.assert_array_equal(to_uint8(sources)[:, 0, 0, 0], [0, 10, 20])
    np.testing.assert_array_equal(to_uint8(targets)[:, 0, 0, 0], [100, 110, 120])
    test_sources, _ = kerasgan.data.load_numpy(
        f"paired:{tmp_path}", split="test", image_size=8, channels=1
    )
    assert test_sources.shape == (3, 8, 8, 1)
    write_image(tmp_path / "odd" / "0.png", filled(16, 33, 0))
    with pytest.raises(ValueError, match="33 pixels wide, an odd number"):
        kerasgan.data.load(f"paired:{tmp_path / 'odd'}")


def test_a_and_b_folders_pair_files_by_name(tmp_path):
    for i, name in enumerate(["x", "y"]):
        write_image(tmp_path / "a" / f"{name}.png", filled(12, 10, i, channels=1))
        write_image(tmp_path / "b" / f"{name}.jpg", filled(12, 10, 200 + i))
    dataset = kerasgan.data.load(f"paired:{tmp_path}", batch_size=2, shuffle=False)
    sources, targets = first_batch(dataset)
    assert sources.shape == (2, 12, 10, 1) and targets.shape == (2, 12, 10, 3)
    np.testing.assert_array_equal(to_uint8(sources)[:, 0, 0, 0], [0, 1])
    assert abs(int(to_uint8(targets)[1, 0, 0, 0]) - 201) <= 2  # JPEG


def test_mismatched_pairs_are_named_with_the_fix(tmp_path):
    write_image(tmp_path / "a" / "x.png", filled(12, 10, 0))
    write_image(tmp_path / "b" / "x.png", filled(24, 20, 0))
    with pytest.raises(
        ValueError, match=r"a/x.png \(10×12.*b/x.png \(20×24\).*image_size"
    ):
        kerasgan.data.load(f"paired:{tmp_path}")
    sources, targets = kerasgan.data.load_numpy(f"paired:{tmp_path}", image_size=16)
    assert sources.shape == targets.shape == (1, 16, 16, 3)
    write_image(tmp_path / "a" / "lonely.png", filled(12, 10, 0))
    with pytest.raises(ValueError, match=r"unmatched in a/: \['lonely'\]"):
        kerasgan.data.load(f"paired:{tmp_path}", image_size=16)
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        ValueError, match=r"neither side-by-side pairs \(.*\) nor a/ and b/"
    ):
        kerasgan.data.load(f"paired:{tmp_path / 'empty'}")


def test_unpaired_folders_in_cyclegan_and_a_b_layouts(tmp_path):
    for i in range(3):
        write_image(tmp_path / "trainA" / f"{i}.png", filled(8, 8, i))
    for i in range(5):
        write_image(tmp_path / "trainB" / f"{i}.png", filled(8, 8, 100 + i))
    domain_a, domain_b = kerasgan.data.load_numpy(f"unpaired:{tmp_path}")
    assert domain_a.shape == (3, 8, 8, 3) and domain_b.shape == (5, 8, 8, 3)
    dataset = kerasgan.data.load(f"unpaired:{tmp_path}", batch_size=5, seed=0)
    batch_a, batch_b = first_batch(dataset)
    assert batch_a.shape == batch_b.shape == (5, 8, 8, 3)
    assert set(to_uint8(batch_b)[:, 0, 0, 0]) == set(range(100, 105))
    write_image(tmp_path / "other" / "a" / "0.png", filled(8, 8, 0))
    write_image(tmp_path / "other" / "b" / "0.png", filled(16, 16, 0))
    with pytest.raises(ValueError, match="two domains differ in image size.*image_size"):
        kerasgan.data.load(f"unpaired:{tmp_path / 'other'}")
    a, b = kerasgan.data.load_numpy(f"unpaired:{tmp_path / 'other'}", image_size=4)
    assert a.shape == b.shape == (1, 4, 4, 3)
    with pytest.raises(ValueError, match="testA/ and testB/"):
        kerasgan.data.load(f"unpaired:{tmp_path}", split="test")
    with pytest.raises(FileNotFoundError, match="No folder"):
        kerasgan.data.load(f"unpaired:{tmp_path / 'missing'}")


# ------------------------------------------------------------------ tfds
def test_tfds_cycle_gan_gives_both_domains():
    tfds = pytest.importorskip("tensorflow_datasets")
    assert tfds_source.domain_splits("train[:10%]") == ("trainA[:10%]", "trainB[:10%]")
    with tfds.testing.mock_data(num_examples=6):
        dataset = kerasgan.data.load(
            "tfds:cycle_gan/horse2zebra", image_size=32, batch_size=4, seed=0
        )
        domain_a, domain_b = first_batch(dataset)
        one_domain = first_batch(
            kerasgan.data.load(
                "tfds:cycle_gan/horse2zebra", split="testB", image_size=16, batch_size=2
            )
        )
        with pytest.raises(ValueError, match="vary in size.*image_size"):
            kerasgan.data.load("tfds:cycle_gan/horse2zebra")
    assert domain_a.shape == domain_b.shape == (4, 32, 32, 3)
    images, labels = one_domain
    assert images.shape == (2, 16, 16, 3) and labels.shape == (2,)


# ------------------------------------------------------------------ fit()
@pytest.mark.parametrize("name", ["edges2fashion", "sneaker2boot", "fashion-mnist-sr4"])
def test_batches_feed_keras_fit_as_x_and_y(name, fashion_dir):
    dataset = kerasgan.data.load(name, batch_size=8, data_dir=fashion_dir).take(2)
    inputs = keras.Input(first_batch(dataset)[0].shape[1:])
    outputs = keras.layers.Conv2D(1, 3, padding="same")(inputs)
    if name.endswith("sr4"):
        outputs = keras.layers.UpSampling2D(4)(outputs)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "mae")
    history = model.fit(dataset, epochs=1, verbose=0, shuffle=False)
    assert np.isfinite(history.history["loss"][0])
