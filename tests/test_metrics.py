"""Metric math against closed forms, sanity checks on real data, the callback."""

import json
import warnings

import keras
import numpy as np
import pytest
from conftest import require_real_fashion_mnist
from conftest import tiny_dcgan

import kerasgan
from kerasgan.metrics import compute
from kerasgan.metrics import domain_classifier
from kerasgan.metrics import kid as kid_module
from kerasgan.metrics import stats_cache


def gaussian(n, dim=8, shift=0.0, seed=0):
    return np.random.default_rng(seed).standard_normal((n, dim)) + shift


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))


# ------------------------------------------------------------------- FID


def test_frechet_distance_matches_the_closed_form_for_diagonal_covariances():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    var1, var2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(var1) - np.sqrt(var2)) ** 2)
    value = kerasgan.metrics.frechet_distance(mu1, np.diag(var1), mu2, np.diag(var2))
    assert value == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("n, dim", [(1000, 32), (40, 256)])
def test_frechet_distance_equals_the_sqrtm_reference_and_never_warns(n, dim):
    """The reference (pytorch-fid, TTUR) takes scipy's sqrtm of Σ1 Σ2, which warns
    "Matrix is singular" when N < d; the eigenvalue form gives the same value."""
    scipy_linalg = pytest.importorskip("scipy.linalg")
    a, b = gaussian(n, dim), 1.2 * gaussian(n, dim, shift=0.3, seed=1)
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    sigma1, sigma2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reference's own warning
        covmean = np.real(scipy_linalg.sqrtm(sigma1 @ sigma2))
    reference = (
        np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2) - 2 * np.trace(covmean)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = kerasgan.metrics.frechet_distance(mu1, sigma1, mu2, sigma2)
    assert value == pytest.approx(reference, rel=1e-6)


def test_streaming_statistics_equal_numpy_mean_and_covariance():
    x = gaussian(1000, shift=3.0)
    stats = kerasgan.metrics.FeatureStatistics.from_features(x, batch_size=77)
    np.testing.assert_allclose(stats.mean, x.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(stats.covariance, np.cov(x, rowvar=False), atol=1e-10)


def test_fid_of_identical_sets_is_zero_and_grows_with_a_shift():
    x = gaussian(500)
    assert kerasgan.metrics.fid_from_features(x, x) < 1e-6
    small = kerasgan.metrics.fid_from_features(x, gaussian(500, shift=0.1, seed=1))
    large = kerasgan.metrics.fid_from_features(x, gaussian(500, shift=1.0, seed=1))
    assert large == pytest.approx(8.0, rel=0.2) and small < large / 10


# ------------------------------------------------------------------- KID


def test_polynomial_mmd2_matches_the_definition():
    x, y = gaussian(6, dim=3), gaussian(6, dim=3, shift=0.5, seed=1)

    def k(a, b):
        return (a @ b / 3 + 1) ** 3

    n = len(x)
    xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(n)) / n**2
    assert kid_module.polynomial_mmd2(x, y) == pytest.approx(xx + yy - 2 * xy, rel=1e-10)


def test_kid_is_near_zero_for_one_distribution_and_positive_for_two():
    same, same_std = kerasgan.metrics.kid_from_features(
        gaussian(400), gaussian(400, seed=1), num_subsets=20, subset_size=200
    )
    shifted, _ = kerasgan.metrics.kid_from_features(
        gaussian(400), gaussian(400, shift=0.5, seed=1), num_subsets=20, subset_size=200
    )
    assert abs(same) < 3 * same_std + 1e-3
    assert shifted > 50 * abs(same)


# ------------------------------------------------------ precision and recall


def test_precision_recall_of_identical_sets_is_one_and_of_distant_sets_zero():
    x = gaussian(200)
    assert kerasgan.metrics.precision_recall_from_features(x, x) == (1.0, 1.0)
    far = gaussian(200, shift=50.0, seed=1)
    assert kerasgan.metrics.precision_recall_from_features(x, far) == (0.0, 0.0)


def test_a_collapsed_generator_has_high_precision_and_low_recall():
    # Real: two well-separated clusters; fake: one of them only.
    real = np.concatenate([gaussian(300, dim=2), gaussian(300, dim=2, shift=20, seed=1)])
    fake = gaussian(600, dim=2, seed=2)
    precision, recall = kerasgan.metrics.precision_recall_from_features(real, fake)
    assert precision > 0.9 and recall < 0.6


def test_density_and_coverage():
    real, fake = gaussian(2000, dim=2), gaussian(2000, dim=2, seed=1)
    density, coverage = kerasgan.metrics.density_coverage_from_features(real, fake)
    assert density == pytest.approx(1.0, abs=0.15) and coverage > 0.9
    far = gaussian(2000, dim=2, shift=30.0, seed=1)
    assert kerasgan.metrics.density_coverage_from_features(real, far) == (0.0, 0.0)


def test_shuffling_does_not_change_any_result():
    rng = np.random.default_rng(0)
    real, fake = gaussian(300), gaussian(300, shift=0.3, seed=1)
    shuffled_real, shuffled_fake = rng.permutation(real), rng.permutation(fake)
    for fn in (
        kerasgan.metrics.fid_from_features,
        kerasgan.metrics.precision_recall_from_features,
        kerasgan.metrics.density_coverage_from_features,
    ):
        np.testing.assert_allclose(
            fn(real, fake), fn(shuffled_real, shuffled_fake), rtol=1e-6
        )
    logits = np.random.default_rng(2).standard_normal((300, 10)) * 3
    np.testing.assert_allclose(
        kerasgan.metrics.classifier_score_from_logits(logits),
        kerasgan.metrics.classifier_score_from_logits(rng.permutation(logits)),
        rtol=1e-9,
    )
    kid = kerasgan.metrics.kid_from_features(real, fake, num_subsets=5, subset_size=100)
    kid_shuffled = kerasgan.metrics.kid_from_features(
        shuffled_real, shuffled_fake, num_subsets=5, subset_size=100
    )
    np.testing.assert_allclose(kid, kid_shuffled, rtol=1e-9)


# -------------------------------------------- classifier score, mode coverage


def test_classifier_score_bounds():
    # Balanced, confident: 10 on the whole set; random splits of 100 vary a little.
    confident = np.eye(10)[np.arange(1000) % 10] * 50.0
    score, std = kerasgan.metrics.classifier_score_from_logits(confident)
    assert 9.0 < score <= 10.0 and std < 0.5
    # Sorted by class, as real datasets often are: splits must still mix classes.
    by_class = np.eye(10)[np.arange(1000) // 100] * 50.0
    assert kerasgan.metrics.classifier_score_from_logits(by_class)[0] > 9.0
    assert kerasgan.metrics.classifier_score_from_logits(confident, splits=1)[0] == (
        pytest.approx(10.0)
    )
    one_class = np.eye(10)[np.zeros(1000, int)] * 50.0
    assert kerasgan.metrics.classifier_score_from_logits(one_class)[0] == pytest.approx(
        1.0
    )
    unsure = np.zeros((1000, 10))
    assert kerasgan.metrics.classifier_score_from_logits(unsure)[0] == pytest.approx(1.0)


def test_mode_coverage_counts_modes_and_kl():
    balanced = kerasgan.metrics.mode_coverage(np.arange(1000) % 10, 10)
    assert balanced["modes_covered"] == 10 and balanced["kl_to_uniform"] == pytest.approx(
        0
    )
    collapsed = kerasgan.metrics.mode_coverage(np.full(1000, 3), 10)
    assert collapsed["modes_covered"] == 1
    assert collapsed["kl_to_uniform"] == pytest.approx(np.log(10))


def test_toy_mode_statistics_of_perfect_collapsed_and_far_samples():
    mixture = kerasgan.data.ring8()
    perfect = np.repeat(mixture.centers, 100, axis=0)
    stats = kerasgan.metrics.mode_statistics(perfect, mixture)
    assert stats["modes_covered"] == 8 and stats["high_quality"] == 1.0
    assert stats["reverse_kl"] == pytest.approx(0.0)
    collapsed = kerasgan.metrics.mode_statistics(perfect[:100], mixture)
    assert collapsed["modes_covered"] == 1
    assert collapsed["reverse_kl"] == pytest.approx(np.log(8))
    far = kerasgan.metrics.mode_statistics(perfect + 100.0, mixture)
    assert far["high_quality"] == 0.0 and far["reverse_kl"] == np.inf


def test_stacked_modes():
    from kerasgan.metrics.mode_coverage import stacked_modes

    assert stacked_modes([[1, 2, 3], [9, 0, 9]]).tolist() == [123, 909]


# ------------------------------------------------------ domain classifiers


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_domain_classifier_reproduces_its_reference_outputs_on_this_backend(name):
    # The reference was written on the training backend: equal outputs here mean
    # equal features across backends.
    model, config = domain_classifier.load_classifier(name)
    assert config["test_accuracy"] > 0.85
    reference = np.load(domain_classifier.zoo_dir() / name / "reference.npz")
    outputs = kerasgan.metrics.get_extractor(name)(reference["inputs"])
    np.testing.assert_allclose(outputs["features"], reference["features"], atol=1e-5)
    np.testing.assert_allclose(outputs["logits"], reference["logits"], atol=1e-4)


def test_domain_classifier_rejects_weights_that_do_not_match_their_sha256(tmp_path):
    source = domain_classifier.zoo_dir() / "mnist"
    (tmp_path / "model.weights.h5").write_bytes(
        (source / "model.weights.h5").read_bytes()
    )
    config = json.loads((source / "config.json").read_text())
    config["sha256"] = "0" * 64
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="sha256"):
        domain_classifier.load_classifier("mnist", directory=tmp_path)


def test_stacked_images_are_classified_channel_by_channel():
    digits, labels = kerasgan.data.load_numpy("mnist-5k")
    stacked = np.concatenate([digits[:50], digits[1000:1050], digits[4000:4050]], axis=-1)
    result = kerasgan.metrics.ModeCoverage("mnist")(stacked)
    # 50 images of digits (0, 2, 8): at most a few modes, mostly 28.
    assert result["modes_covered"].value <= 5
    assert result["modes_covered"].num_fake == 50


# ------------------------------------------------- sanity on real data


@pytest.fixture(scope="module")
def fashion():
    require_real_fashion_mnist()
    x_test, labels = kerasgan.data.load_numpy("fashion-mnist", split="test")
    return {
        "test": stats_cache.real_images("fashion-mnist", "test", 1000),
        "train": stats_cache.real_images("fashion-mnist", "train", 1000),
        "one_class": x_test[labels == 0][:1000],
    }


def test_real_test_vs_train_is_close_and_one_class_is_far(fashion):
    extractor = kerasgan.metrics.get_extractor("fashion-mnist")
    feats = {k: kerasgan.metrics.extract(extractor, v) for k, v in fashion.items()}
    names = ["fid", "kid", "classifier_score", "mode_coverage"]

    def results(fake):
        return compute.compute(
            names,
            feats["test"],
            feats[fake],
            "fashion-mnist",
            num_subsets=50,
            subset_size=500,
        )

    real, collapsed = results("train"), results("one_class")
    assert real["fid"].num_real == 1000 and real["fid"].extractor == "fashion-mnist"
    assert collapsed["fid"].value > 10 * real["fid"].value
    kid = real["kid"]
    assert abs(kid.value) < 3 * kid.std < collapsed["kid"].value / 10
    assert collapsed["classifier_score"].value < 2.0 < real["classifier_score"].value
    # Class 0 (T-shirt) is partly read as shirt or pullover: a few modes, high KL.
    assert collapsed["modes_covered"].value <= 3
    assert collapsed["kl_to_uniform"].value > 1.5
    assert real["modes_covered"].value == 10 and real["kl_to_uniform"].value < 0.05


def test_identical_sets_give_zero_fid(fashion):
    fid = kerasgan.metrics.FID(extractor="fashion-mnist", num_samples=500)
    result = fid(fashion["test"], fashion["test"])
    assert result.value < 1e-3 and result.num_real == result.num_fake == 500


def test_real_features_are_cached_by_dataset_split_extractor_and_n(monkeypatch):
    first = stats_cache.real_features("mnist-5k", "mnist", num_samples=300)
    files = list((kerasgan.metrics.cache.cache_dir() / "stats").glob("*.npz"))
    assert [f.name.split("-")[:5] for f in files] == [
        ["mnist", "5k", "train", "mnist", "300"]
    ]

    def no_extraction(*args, **kwargs):
        raise AssertionError("features recomputed instead of read from the cache")

    monkeypatch.setattr(stats_cache.features, "extract", no_extraction)
    second = stats_cache.real_features("mnist-5k", "mnist", num_samples=300)
    np.testing.assert_array_equal(first["features"], second["features"])
    with pytest.raises(AssertionError, match="recomputed"):
        stats_cache.real_features("mnist-5k", "mnist", num_samples=200)


# ------------------------------------------------- evaluate and the callback


def test_evaluate_a_gan_reports_n_and_extractor():
    gan = tiny_dcgan()
    results = kerasgan.metrics.evaluate(gan, "mnist-5k", num_samples=100)
    assert set(results) == {
        "fid",
        "kid",
        "classifier_score",
        "modes_covered",
        "kl_to_uniform",
    }
    assert results["fid"].num_fake == 100 and results["fid"].num_real == 100
    assert all(r.extractor == "mnist" for r in results.values())
    again = kerasgan.metrics.evaluate(gan, "mnist-5k", num_samples=100, metrics="fid")
    assert again["fid"].value == pytest.approx(results["fid"].value, rel=1e-5)


def test_metrics_callback_feeds_model_checkpoint_and_early_stopping(tmp_path):
    from conftest import adam_pair

    real = kerasgan.data.load_numpy("mnist-5k")[0][::50]
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    checkpoint = tmp_path / "best.weights.h5"
    history = gan.fit(
        real,
        batch_size=50,
        epochs=2,
        verbose=0,
        callbacks=[
            kerasgan.callbacks.Metrics(
                ["fid", "kid"], dataset=real, every=2, num_samples=64, extractor="mnist"
            ),
            keras.callbacks.ModelCheckpoint(
                checkpoint,
                monitor="fid",
                mode="min",
                save_best_only=True,
                save_weights_only=True,
            ),
            keras.callbacks.EarlyStopping(monitor="fid", mode="min", patience=0),
        ],
    )
    assert len(history.history["fid"]) == 1  # epoch 2 only
    assert len(history.history["kid_std"]) == 1
    assert checkpoint.exists()


def test_callbacks_listed_before_metrics_still_see_its_values(tmp_path):
    """LossPlot and ModelCheckpoint first, Metrics last: the README's own order."""
    from conftest import adam_pair

    real = kerasgan.data.load_numpy("mnist-5k")[0][::100]
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    plot = kerasgan.callbacks.LossPlot(tmp_path / "losses.png")
    checkpoint = tmp_path / "best.weights.h5"
    gan.fit(
        real,
        batch_size=50,
        epochs=1,
        verbose=0,
        callbacks=[
            plot,
            keras.callbacks.ModelCheckpoint(
                checkpoint, "fid", mode="min", save_best_only=True, save_weights_only=True
            ),
            kerasgan.callbacks.ModeCollapseAlarm(n=16),
            kerasgan.callbacks.Metrics(
                "fid", dataset=real, num_samples=32, extractor="mnist"
            ),
        ],
    )
    header = (tmp_path / "losses.csv").read_text().splitlines()[0].split(",")
    assert {"fid", "diversity"} <= set(header)
    assert np.isfinite(plot.history()["fid"][0])
    assert checkpoint.exists()  # ModelCheckpoint saw "fid" (it skips a missing key)


def test_metrics_callback_without_a_dataset_measures_against_fit_data():
    from conftest import adam_pair

    real = kerasgan.data.load_numpy("mnist-5k")[0][:100]
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    callback = kerasgan.callbacks.Metrics("fid", num_samples=64, extractor="mnist")
    history = gan.fit(real, batch_size=50, epochs=1, verbose=0, callbacks=[callback])
    # The same FID as measured directly against the first 64 training images.
    direct = kerasgan.metrics.evaluate(
        gan, real[:64], num_samples=64, extractor="mnist", metrics="fid"
    )
    assert history.history["fid"][0] == pytest.approx(direct["fid"].value, rel=1e-4)
    orphan = kerasgan.callbacks.Metrics("fid", num_samples=8, extractor="mnist")
    orphan.set_model(gan)
    with pytest.raises(ValueError, match="found no real data"):
        orphan.on_epoch_end(0, {})


def test_a_compiled_extractor_pads_short_batches_to_its_one_compiled_shape():
    from kerasgan.metrics.feature_extractor import FeatureExtractor

    built = []

    def build(image_shape):
        inputs = keras.Input(image_shape)
        features = keras.layers.Dense(3, kernel_initializer="ones")(
            keras.layers.Flatten()(inputs)
        )
        model = keras.Model(inputs, features)
        calls = model.predict_on_batch
        model.predict_on_batch = lambda x: (built.append(len(x)), calls(x))[1]
        return model

    images = np.random.default_rng(0).uniform(-1, 1, (11, 2, 2, 1)).astype("float32")
    extractor = FeatureExtractor("sum", build, "sum", batch_size=4, jit_compile=False)
    features = kerasgan.metrics.extract(extractor, images)["features"]
    # 11 images in batches of 4: the last 3 padded to 4, and the padding dropped.
    assert built == [4, 4, 4] and features.shape == (11, 3)
    np.testing.assert_allclose(
        features, np.repeat(images.reshape(11, 4).sum(1, keepdims=True), 3, 1), rtol=1e-5
    )
    plain = FeatureExtractor("sum", build, "sum", batch_size=4)
    built.clear()
    kerasgan.metrics.extract(plain, images)
    assert built == [4, 4, 3]  # not compiled: no padding
