"""Image-to-image metrics: PSNR/SSIM against scikit-image, the SR protocol, translation
scores. Runs on the backend KERAS_BACKEND names."""

import gzip
import struct

import keras
import numpy as np
import pytest

import kerasgan
from conftest import require_fashion_mnist
from kerasgan.data import fashion_mnist
from kerasgan.data import super_resolution

skimage_metrics = pytest.importorskip("skimage.metrics")

SSIM_LIKE_PAPERS = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False)


def as_numpy(values):
    return np.asarray(keras.ops.convert_to_numpy(values), "float64")


def noisy_pair(shape, seed=0, noise=0.15):
    rng = np.random.default_rng(seed)
    reference = rng.uniform(-1, 1, shape).astype("float32")
    image = np.clip(reference + rng.normal(0, noise, shape), -1, 1).astype("float32")
    return image, reference


def luma(images):
    """BT.601 Y on 0..255 in float64, written out independently of the library."""
    unit = (images.astype("float64") + 1) / 2
    return 16 + 65.481 * unit[..., 0] + 128.553 * unit[..., 1] + 24.966 * unit[..., 2]


def photo_pair():
    """A held-out photograph crop and its bicubic ×4 reconstruction, in [-1, 1]."""
    low, high = super_resolution.photo_pairs("test")[0]
    reference = high[:64, :96].astype("float32") / 127.5 - 1
    image = kerasgan.metrics.bicubic_upscale(
        low[None, :16, :24].astype("float32") / 127.5 - 1, 4
    )[0]
    return image, reference


# ------------------------------------------------------------------ PSNR / SSIM
@pytest.mark.parametrize("channels", [1, 3])
def test_psnr_and_ssim_equal_scikit_image(channels):
    images, references = noisy_pair((3, 40, 36, channels))
    psnr = as_numpy(kerasgan.metrics.psnr(images, references))
    ssim = as_numpy(kerasgan.metrics.ssim(images, references))
    for i in range(3):
        image, reference = images[i].astype("float64"), references[i].astype("float64")
        expected_psnr = skimage_metrics.peak_signal_noise_ratio(
            reference, image, data_range=2.0
        )
        expected_ssim = skimage_metrics.structural_similarity(
            reference, image, data_range=2.0, channel_axis=-1, **SSIM_LIKE_PAPERS
        )
        assert abs(psnr[i] - expected_psnr) < 1e-4
        assert abs(ssim[i] - expected_ssim) < 1e-4


def test_y_channel_and_border_crop_follow_the_sr_protocol():
    image, reference = photo_pair()
    psnr = as_numpy(
        kerasgan.metrics.psnr(image, reference, crop_border=4, y_channel=True)
    )
    ssim = as_numpy(
        kerasgan.metrics.ssim(image, reference, crop_border=4, y_channel=True)
    )
    y_image, y_reference = luma(image)[4:-4, 4:-4], luma(reference)[4:-4, 4:-4]
    expected_psnr = skimage_metrics.peak_signal_noise_ratio(
        y_reference, y_image, data_range=255
    )
    expected_ssim = skimage_metrics.structural_similarity(
        y_reference, y_image, data_range=255, **SSIM_LIKE_PAPERS
    )
    assert psnr.shape == ssim.shape == (1,)
    assert abs(psnr[0] - expected_psnr) < 1e-4
    assert abs(ssim[0] - expected_ssim) < 1e-4
    # Luma differs from the mean over RGB channels: the option changes the number.
    assert (
        abs(psnr[0] - as_numpy(kerasgan.metrics.psnr(image, reference, crop_border=4))[0])
        > 0.01
    )


def test_rgb_to_y_is_bt601_studio_range():
    white_black = np.stack([np.ones((2, 2, 3)), -np.ones((2, 2, 3))]).astype("float32")
    y = as_numpy(kerasgan.metrics.rgb_to_y(white_black))
    np.testing.assert_allclose(y[0], 235.0, atol=1e-3)
    np.testing.assert_allclose(y[1], 16.0, atol=1e-3)


def test_the_crop_removes_exactly_the_border():
    reference = np.zeros((1, 32, 32, 1), "float32")
    image = reference.copy()
    image[:, :4] = 1.0  # errors only in the top 4 rows
    assert np.isinf(as_numpy(kerasgan.metrics.psnr(image, reference, crop_border=4))[0])
    assert np.isfinite(
        as_numpy(kerasgan.metrics.psnr(image, reference, crop_border=3))[0]
    )
    assert as_numpy(kerasgan.metrics.ssim(image, reference, crop_border=4))[0] == 1.0


def test_grayscale_luma_is_the_image_itself():
    images, references = noisy_pair((2, 24, 24, 1))
    on_luma = as_numpy(kerasgan.metrics.psnr(images, references, y_channel=True))
    on_range = as_numpy(kerasgan.metrics.psnr(images, references))
    np.testing.assert_allclose(on_luma, on_range, atol=1e-4)


def test_bad_metric_inputs_say_what_to_fix():
    images, references = noisy_pair((2, 24, 24, 3))
    with pytest.raises(ValueError, match=r"differ in shape: \(2, 24, 24, 3\) and"):
        kerasgan.metrics.psnr(images, references[:, :20])
    with pytest.raises(ValueError, match="leave less than the 11×11"):
        kerasgan.metrics.ssim(images, references, crop_border=7)
    with pytest.raises(ValueError, match="RGB .* or grayscale"):
        kerasgan.metrics.psnr(images[..., :2], references[..., :2], y_channel=True)
    with pytest.raises(ValueError, match="crop_border must be an integer"):
        kerasgan.metrics.psnr(images, references, crop_border=-1)


# ------------------------------------------------------------------ super-resolution
def test_bicubic_baseline_on_the_held_out_photographs():
    low, high = kerasgan.data.load_numpy("photos-sr4", split="test")
    baseline = kerasgan.metrics.bicubic_upscale(low, 4)
    assert baseline.shape == high.shape and baseline.min() >= -1 and baseline.max() <= 1
    scores = kerasgan.metrics.super_resolution_scores(baseline, high, scale=4)
    # Measured once and recorded in docs/metrics.md: Y channel, border 4.
    assert abs(scores["psnr"].value - 29.10) < 0.05
    assert abs(scores["ssim"].value - 0.829) < 0.005
    assert scores["psnr"].extractor == "Y (BT.601), border 4"


def _write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    with gzip.open(path, "wb") as file:
        file.write(header + np.ascontiguousarray(array, np.uint8).tobytes())


@pytest.fixture(scope="module")
def fashion_dir(tmp_path_factory):
    """The first 300 real Fashion-MNIST test images as a data_dir (fast)."""
    require_fashion_mnist()
    folder = tmp_path_factory.mktemp("fashion")
    images, labels = fashion_mnist.load_arrays("test")
    _write_idx(folder / "t10k-images-idx3-ubyte.gz", images[:300, ..., 0])
    _write_idx(folder / "t10k-labels-idx1-ubyte.gz", labels[:300])
    return str(folder)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))


def lookup_of(inputs, outputs):
    """A 'perfect model': the stored output of each input."""
    table = {x.tobytes(): y for x, y in zip(inputs, outputs)}
    return lambda batch: np.stack([table[x.tobytes()] for x in batch])


def test_evaluate_super_resolution_puts_the_model_beside_bicubic(fashion_dir):
    low, high = kerasgan.data.load_numpy(
        "fashion-mnist-sr4", split="test", data_dir=fashion_dir
    )
    perfect = kerasgan.metrics.evaluate_super_resolution(
        lookup_of(low, high), "fashion-mnist-sr4", data_dir=fashion_dir
    )
    assert np.isinf(perfect["psnr"].value) and perfect["ssim"].value == pytest.approx(1)
    assert 10 < perfect["bicubic_psnr"].value < 30
    assert perfect["psnr"].extractor == "all channels, border 4"
    bicubic = kerasgan.metrics.evaluate_super_resolution(
        lambda x: kerasgan.metrics.bicubic_upscale(x, 4),
        "fashion-mnist-sr4",
        num_samples=50,
        data_dir=fashion_dir,
    )
    assert bicubic["psnr"].value == bicubic["bicubic_psnr"].value
    assert bicubic["psnr"].num_fake == 50
    with pytest.raises(ValueError, match=r"upscale's outputs have shape \(50, 8, 8, 1\)"):
        kerasgan.metrics.evaluate_super_resolution(
            lambda x: x, "fashion-mnist-sr4", num_samples=50, data_dir=fashion_dir
        )
    with pytest.raises(ValueError, match="'sneaker2boot' is 'unpaired images'"):
        kerasgan.metrics.evaluate_super_resolution(lambda x: x, "sneaker2boot")


# ------------------------------------------------------------------ translation
def test_translation_accuracy_crops_the_padding_for_the_classifier(fashion_dir):
    raw, labels = fashion_mnist.load_arrays("test", fashion_dir)
    originals = raw.astype("float32") / 127.5 - 1
    padded = np.pad(originals, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1)
    on_padded = kerasgan.metrics.translation_accuracy(padded, labels)
    on_originals = kerasgan.metrics.translation_accuracy(originals, labels)
    assert on_padded.value == on_originals.value > 0.8
    assert on_padded.num_fake == 300 and on_padded.extractor == "fashion-mnist"
    boots = kerasgan.metrics.translation_accuracy(padded[labels == 9], 9)
    assert boots.value > 0.8
    assert kerasgan.metrics.translation_accuracy(padded[labels == 9], 7).value < 0.2


def test_l1_distance_is_the_mean_absolute_error():
    images, references = noisy_pair((4, 8, 8, 1))
    result = kerasgan.metrics.l1_distance(images, references)
    assert result.value == pytest.approx(np.abs(images - references).mean(), rel=1e-6)


def test_evaluate_translation_on_paired_data(fashion_dir):
    edges, images = kerasgan.data.load_numpy(
        "edges2fashion", split="test", data_dir=fashion_dir
    )
    perfect = kerasgan.metrics.evaluate_translation(
        lookup_of(edges, images), "edges2fashion", data_dir=fashion_dir
    )
    assert perfect["l1"].value == 0 and perfect["fid"].value < 1e-6
    assert perfect["translation_accuracy"].value == perfect["target_accuracy"].value
    untouched = kerasgan.metrics.evaluate_translation(
        lambda x: x, "edges2fashion", data_dir=fashion_dir, num_samples=100
    )
    assert untouched["l1"].value > 0.2 and untouched["fid"].value > 1
    assert untouched["translation_accuracy"].num_fake == 100
    with pytest.raises(ValueError, match=r"translate's outputs have shape"):
        kerasgan.metrics.evaluate_translation(
            lambda x: x[:, :16], "edges2fashion", data_dir=fashion_dir
        )


def test_evaluate_translation_on_unpaired_data(fashion_dir):
    sneakers, boots = kerasgan.data.load_numpy(
        "sneaker2boot", split="test", data_dir=fashion_dir
    )
    scores = kerasgan.metrics.evaluate_translation(
        lambda x: x, "sneaker2boot", inverse=lambda x: x, data_dir=fashion_dir
    )
    assert set(scores) == {
        "fid",
        "cycle_l1",
        "translation_accuracy",
        "target_accuracy",
        "source_accuracy",
    }
    # Doing nothing scores what the untranslated sneakers score as boots.
    assert scores["translation_accuracy"].value == scores["source_accuracy"].value < 0.2
    assert scores["target_accuracy"].value > 0.8 and scores["cycle_l1"].value == 0
    assert scores["fid"].num_real == len(boots) and scores["fid"].num_fake == len(
        sneakers
    )
    reverse = kerasgan.metrics.evaluate_translation(
        lambda x: x, "sneaker2boot", direction="b_to_a", data_dir=fashion_dir
    )
    assert reverse["translation_accuracy"].num_fake == len(boots)
    with pytest.raises(ValueError, match="direction must be one of"):
        kerasgan.metrics.evaluate_translation(
            lambda x: x, "sneaker2boot", direction="a2b", data_dir=fashion_dir
        )
    with pytest.raises(ValueError, match="Use evaluate_super_resolution"):
        kerasgan.metrics.evaluate_translation(lambda x: x, "photos-sr4")
