"""The evaluation protocol: the floor record, per-requested-class accuracy and FID, and what
cards and docs/zoo.md say about them (N, floor, training images, warnings).

Inception is replaced by a tiny fake extractor named "inception" (7×7 average
pooling): the protocol's bookkeeping does not depend on the network.
"""

import importlib
import json
import re
import pathlib
import shutil

import keras
import numpy as np
import pytest

from conftest import load_script
from kerasgan.engine.protocols import LatentToData
from kerasgan.metrics import class_fid
from kerasgan.metrics import compute
from kerasgan.metrics import features
from kerasgan.metrics import protocol
from kerasgan.metrics import stats_cache
from kerasgan.metrics.feature_extractor import FeatureExtractor
from kerasgan.metrics.results import MetricResult
from kerasgan.metrics.stats import fid_from_features
from kerasgan.zoo import card
from kerasgan.zoo import preset as preset_lib

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The module (`kerasgan.metrics.class_accuracy` is the function of the same name).
class_accuracy = importlib.import_module("kerasgan.metrics.class_accuracy")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))


def fake_inception():
    def build(image_shape):
        inputs = keras.Input(image_shape)
        pooled = keras.layers.AveragePooling2D(7)(inputs)
        return keras.Model(inputs, keras.layers.Flatten()(pooled))

    return FeatureExtractor("inception", build, "fake-identity", batch_size=64)


@pytest.fixture
def small_test_split(monkeypatch):
    """A dataset "tiny" with a 60-image test and an 80-image train split."""
    rng = np.random.default_rng(0)
    splits = {s: rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32")
              for s, n in (("test", 60), ("train", 80))}
    monkeypatch.setattr(stats_cache, "default_split", lambda dataset: "test")
    monkeypatch.setattr(
        stats_cache.data, "load_numpy", lambda dataset, split=None: (splits[split], None)
    )
    return "tiny"


def test_protocol_record_holds_n_reference_and_a_cached_floor(
    small_test_split, monkeypatch
):
    extractor = fake_inception()
    record = protocol.protocol_record(small_test_split, 40, extractor=extractor)
    assert record["num_samples"] == 40 and record["reference_split"] == "test"
    assert record["standard"] is False  # 10,000 vs test is the standard
    assert record["floor_pairing"] == "test vs train"
    assert record["extractor_identity"] == "fake-identity"
    assert record["resize"] == protocol.RESIZE
    # The floor: the N test images generators are measured against vs N train.
    test = stats_cache.real_images(small_test_split, "test", 40)
    train = stats_cache.real_images(small_test_split, "train", 40)
    expected = compute.compute(
        protocol.FLOOR_METRICS,
        features.extract(extractor, test),
        features.extract(extractor, train),
        "inception",
    )
    assert set(record["floor"]) == set(expected)
    for name, result in expected.items():
        assert record["floor"][name] == pytest.approx(result.value, rel=1e-6)
    assert json.loads(json.dumps(record)) == record  # JSON-ready

    def no_extraction(*args, **kwargs):
        raise AssertionError("floor recomputed instead of read from the cache")

    monkeypatch.setattr(stats_cache.features, "extract", no_extraction)
    monkeypatch.setattr(protocol.features, "extract", no_extraction)
    again = protocol.protocol_record(small_test_split, 40, extractor=extractor)
    assert again["floor"] == record["floor"]


def test_a_dataset_without_a_test_split_is_measured_against_training_images():
    record = protocol.protocol_record("mnist-5k", 30, extractor=fake_inception())
    assert record["reference_split"] == "train"
    assert record["floor_pairing"] == "two halves of train"
    assert "**training** images" in protocol.reference_text(record)
    with pytest.raises(ValueError, match="two disjoint halves; pass --inception-n 2500"):
        protocol.protocol_record("mnist-5k", 3000, extractor=fake_inception())
    with pytest.raises(protocol.TooFewImages, match="N ≤ 2500"):
        protocol.real_pair("mnist-5k", 3000)


# Which class the fake classifier predicts for each of 20 samples requested with
# labels 0, 1, 2, 3, 0, 1, ... (fixed_labels): by hand, class 0 is drawn 5 of 5
# times, class 1 once in 5, class 2 4 of 5, class 3 3 of 5.
PREDICTED = np.array(
    [0, 2, 2, 3, 0, 2, 2, 3, 0, 0, 2, 1, 0, 1, 0, 0, 0, 2, 2, 3], "int32"
)
HAND = [5 / 5, 1 / 5, 4 / 5, 3 / 5]


class FakeConditional(LatentToData):
    """Draws for sample i an image whose pixels all equal PREDICTED[i] / 10."""

    num_classes = 4

    def latents_for(self, n, seed):
        return np.arange(n, dtype="float32")[:, None]

    def generate_from_latents(self, latents, labels=None, batch_size=256):
        value = PREDICTED[latents[:, 0].astype(int)] / 10.0
        return np.broadcast_to(value[:, None, None, None], (len(latents), 28, 28, 1))


def fake_classifier():
    """Logits peaked at round(10 × mean pixel)."""

    def build(image_shape):
        inputs = keras.Input(image_shape)
        mean = keras.layers.GlobalAveragePooling2D()(inputs)
        logits = keras.layers.Lambda(
            lambda m: -keras.ops.square(10.0 * m - keras.ops.arange(4, dtype="float32"))
        )(mean)
        return keras.Model(inputs, [mean, logits])

    return FeatureExtractor("fake-classifier", build, "fake", batch_size=8)


def test_per_class_accuracy_equals_the_hand_computation():
    results = class_accuracy.per_class_accuracy(FakeConditional(), fake_classifier(), 20)
    assert [r.name for r in results] == [f"class_accuracy[{k}]" for k in range(4)]
    assert [r.value for r in results] == pytest.approx(HAND)
    assert [r.num_fake for r in results] == [5, 5, 5, 5]
    overall = class_accuracy.class_accuracy(FakeConditional(), fake_classifier(), 20)
    assert overall.value == pytest.approx(13 / 20)


def test_real_per_class_accuracy_equals_the_hand_computation(monkeypatch):
    # The real images of class k are the ones FakeConditional draws for label k.
    def real_images(dataset, split=None, label=None):
        value = PREDICTED[np.arange(20) % 4 == label] / 10.0
        return np.broadcast_to(value[:, None, None, None], (len(value), 28, 28, 1))

    monkeypatch.setattr(class_accuracy.stats_cache, "real_images", real_images)
    results = class_accuracy.real_per_class_accuracy("fake", fake_classifier(), 4, "test")
    assert [r.name for r in results] == [f"real_class_accuracy[{k}]" for k in range(4)]
    assert [r.value for r in results] == pytest.approx(HAND)
    assert [(r.num_real, r.num_fake) for r in results] == [(5, 0)] * 4


class FakeAutoencoder:
    """Reconstructs an image of pixel value v as one of value PREDICTED_BACK[10 v]:
    the fake classifier then puts it in that class."""

    def reconstruct(self, images):
        index = np.rint(np.asarray(images)[:, 0, 0, 0] * 10).astype(int)
        value = np.array([0, 0, 2, 2])[index] / 10.0  # 1 → 0 and 3 → 2
        return np.broadcast_to(value[:, None, None, None], np.shape(images))


def test_reconstruction_per_class_accuracy_equals_the_hand_computation(monkeypatch):
    # Real images of class k have pixels k / 10, except that half of those of
    # classes 1 and 3 look like class k - 1 (the classifier's own accuracy: 0.5).
    def real_images(dataset, split=None, label=None):
        value = np.full(6, label / 10.0)
        if label in (1, 3):
            value[:3] = (label - 1) / 10.0
        return np.broadcast_to(value[:, None, None, None], (6, 28, 28, 1)).copy()

    monkeypatch.setattr(class_accuracy.stats_cache, "real_images", real_images)

    class Identity:
        def reconstruct(self, images):
            return images

    results = class_accuracy.reconstruction_per_class_accuracy(
        FakeAutoencoder(), "fake", fake_classifier(), 4, "test"
    )
    assert [r.name for r in results] == [
        f"reconstruction_class_accuracy[{k}]" for k in range(4)
    ]
    # Classes 1 and 3 are all reconstructed as 0 and 2; 0 and 2 are kept.
    assert [r.value for r in results] == pytest.approx([1.0, 0.0, 1.0, 0.0])
    assert [(r.num_real, r.num_fake) for r in results] == [(6, 0)] * 4
    # An autoencoder that returns its input scores what the real images score.
    same = class_accuracy.reconstruction_per_class_accuracy(
        Identity(), "fake", fake_classifier(), 4, "test"
    )
    real = class_accuracy.real_per_class_accuracy("fake", fake_classifier(), 4, "test")
    assert [r.value for r in same] == [r.value for r in real] == pytest.approx(
        [1.0, 0.5, 1.0, 0.5]
    )


def test_card_shows_reconstruction_accuracy_beside_each_class(tmp_path):
    results = [
        *(result(f"class_accuracy[{k}]", v, "fashion-mnist")
          for k, v in enumerate([0.9] * 5 + [0.0, 0.9, 0.9, 0.9, 0.9])),
        *(result(f"real_class_accuracy[{k}]", 0.95, "fashion-mnist") for k in range(10)),
        *(result(f"reconstruction_class_accuracy[{k}]", v, "fashion-mnist")
          for k, v in enumerate([0.9] * 5 + [0.012, 0.9, 0.9, 0.9, 0.9])),
    ]
    folder, _ = entry(tmp_path, results, RECORD, variant="AdversarialAutoencoder")
    text = card.card_text(folder)
    assert "| class | accuracy (real images) | reconstructions | N requested |" in text
    assert "| 5 sandal | 0.000 (0.950) | 0.012 | 1000 |" in text
    assert "5 sandal (0.0%; real images 95.0%; reconstructions 1.2%)" in text
    assert "and on the autoencoder's reconstructions of them" in text
    assert "reconstruction_class_accuracy" not in text


def entry(tmp_path, results, record, dataset="fashion-mnist", variant="ConditionalGAN"):
    folder = tmp_path / "entry"
    folder.mkdir()
    (folder / "metadata.json").write_text(
        json.dumps({"variant": variant, "dataset": dataset, "files": {}})
    )
    metrics = {"results": results, "command": "evaluate", "backend": "x", "seconds": 1}
    if record is not None:
        metrics["protocol"] = record
    (folder / "metrics.json").write_text(json.dumps(metrics))
    return folder, metrics


def result(name, value, extractor="inception", n=1000):
    return dict(name=name, value=value, num_real=n, num_fake=n, extractor=extractor, std=None)


RECORD = dict(
    num_samples=1000, reference_split="test", standard=False, resize=protocol.RESIZE,
    extractor="inception", extractor_identity="ab" * 32, floor_pairing="test vs train",
    floor=dict(fid=23.11, kid=6e-05, precision=0.823, recall=0.779),
)


def test_card_shows_n_floor_per_class_table_and_warnings(tmp_path):
    per_class = [
        result(f"class_accuracy[{k}]", v, "fashion-mnist", 1000)
        for k, v in enumerate([0.9] * 8 + [0.406, 0.95])
    ]
    results = [
        result("fid", 63.06), result("recall", 0.05),
        result("modes_covered", 10, "fashion-mnist"), *per_class,
    ]
    folder, metrics = entry(tmp_path, results, RECORD)
    text = card.card_text(folder)
    assert "63.06 (floor 23.11)" in text and "0.05 (floor 0.779)" in text
    assert "1,000 generated vs 1,000 test images" in text
    assert "the standard protocol is 10,000 vs the 10,000 test images" in text
    assert "| 8 bag | 0.406 | 1000 |" in text
    assert "modes_covered" not in text  # predicted classes: replaced by per class
    assert "fails to draw** (per-class accuracy below 70%): 8 bag (40.6%)" in text
    assert "**Inception recall 0.050**" in text
    docs = load_script("make_zoo_docs")
    cells = docs.headline({"metrics": metrics, "dataset": "fashion-mnist"})
    assert cells["Inception FID"] == "63.1 (floor 23.1, N=1,000)"
    assert cells["worst requested class"] == "0.406 (8 bag) ⚠"
    assert "classes covered" not in cells


def test_card_shows_the_classifiers_accuracy_on_real_images_beside_each_class(tmp_path):
    results = [
        *(result(f"class_accuracy[{k}]", v, "fashion-mnist")
          for k, v in enumerate([0.9] * 6 + [0.659, 0.9, 0.9, 0.9])),
        *(result(f"real_class_accuracy[{k}]", v, "fashion-mnist")
          for k, v in enumerate([0.95] * 6 + [0.647, 0.97, 0.98, 0.96])),
    ]
    folder, _ = entry(tmp_path, results, RECORD)
    text = card.card_text(folder)
    assert "| class | accuracy (real images) | N requested |" in text
    assert "| 6 shirt | 0.659 (0.647) | 1000 |" in text
    assert "6 shirt (65.9%; real images 64.7%)" in text
    assert "real_class_accuracy" not in text  # in the per-class table, not the metrics'


def test_no_warning_when_every_class_and_recall_pass(tmp_path):
    results = [result("recall", 0.1)] + [
        result(f"class_accuracy[{k}]", 0.7, "fashion-mnist") for k in range(10)
    ]
    assert card.measured_warnings({"results": results}, "fashion-mnist") == []


def test_published_comparison_says_whether_our_n_is_theirs():
    docs = load_script("make_zoo_docs")

    def infos(standard):
        record = dict(RECORD, standard=standard, num_samples=10_000 if standard else 1000)
        metrics = {"results": [result("fid", 20.0)], "protocol": record}
        return [{"name": "dcgan_fashion_mnist", "metrics": metrics}]

    assert docs.published_differences(infos(True)).startswith("Ours use their N")
    assert docs.published_differences(infos(False)).startswith("Ours differ in N")


def test_training_reference_is_said_on_the_card_and_in_the_table(tmp_path):
    record = dict(RECORD, reference_split="train", floor_pairing="two halves of train")
    folder, metrics = entry(tmp_path, [result("fid", 43.4)], record, "mnist-5k", "DCGAN")
    assert "1,000 generated vs 1,000 **training** images" in card.card_text(folder)
    cells = load_script("make_zoo_docs").headline({"metrics": metrics, "dataset": "mnist-5k"})
    assert cells["Inception FID"] == "43.4 (floor 23.1, N=1,000, vs training images)"


def test_cards_only_adds_the_protocol_record_without_remeasuring(tmp_path, monkeypatch):
    folder = tmp_path / "dcgan_mnist5k"
    shutil.copytree(ROOT / "zoo" / "dcgan_mnist5k", folder)
    before = json.loads((folder / "metrics.json").read_text())
    before.pop("protocol", None)
    (folder / "metrics.json").write_text(json.dumps(before))
    evaluate = load_script("evaluate")
    monkeypatch.setattr(evaluate.zoo_lib, "resolve", lambda name: folder)
    monkeypatch.setattr(
        protocol.extractors, "get_extractor",
        lambda e, batch_size=None: fake_inception() if e == "inception" else e,
    )
    evaluate.main(["--cards-only", "--zoo", "dcgan_mnist5k"])
    after = json.loads((folder / "metrics.json").read_text())
    assert after["results"] == before["results"]
    assert after["protocol"]["num_samples"] == 1000
    assert after["protocol"]["reference_split"] == "train"
    assert "--cards-only --zoo dcgan_mnist5k" in after["updates"][0]["command"]
    preset_lib.verify_preset(folder)  # metrics.json re-hashed into metadata.json
    text = (folder / "README.md").read_text()
    assert "**training** images" in text and "(floor " in text


# Per-class FID. A labelled dataset "tiny3": class k's images are C[k] plus noise
# (6 test and 8 train images per class); class k of the fake model is the flat
# image C[k], whatever its latent.
C = np.array([-0.5, 0.0, 0.5], "float32")


@pytest.fixture
def labelled_split(monkeypatch):
    rng = np.random.default_rng(1)
    splits = {}
    for split, per_class in (("test", 6), ("train", 8)):
        y = np.tile(np.arange(3, dtype="int32"), per_class)
        x = C[y][:, None, None, None] + rng.uniform(-0.1, 0.1, (len(y), 28, 28, 1))
        splits[split] = (x.astype("float32"), y)
    monkeypatch.setattr(stats_cache, "default_split", lambda dataset: "test")
    monkeypatch.setattr(
        stats_cache.data, "load_numpy", lambda dataset, split=None: splits[split]
    )
    return splits


class FlatClassImages(LatentToData):
    """Draws, for a sample requested with label k, the flat image C[k]."""

    num_classes = 3

    def latents_for(self, n, seed):
        return np.zeros((n, 1), "float32")

    def generate_from_latents(self, latents, labels=None, batch_size=256):
        return np.broadcast_to(C[labels][:, None, None, None], (len(labels), 28, 28, 1))


def pooled():
    """Features: the four 14×14 quadrant means (by hand: `quadrants`)."""

    def build(image_shape):
        inputs = keras.Input(image_shape)
        x = keras.layers.AveragePooling2D(14)(inputs)
        return keras.Model(inputs, keras.layers.Flatten()(x))

    return FeatureExtractor("pooled", build, "pooled-v1", batch_size=16)


def quadrants(x):
    return x.reshape(len(x), 2, 14, 2, 14).mean(axis=(2, 4)).reshape(len(x), 4)


def test_per_class_fid_compares_each_requested_class_with_its_real_class(labelled_split):
    x_test, y_test = labelled_split["test"]
    results = class_fid.per_class_fid(
        FlatClassImages(), "tiny3", num_samples=30, extractor=pooled(), floor=False
    )
    assert [r.name for r in results] == ["fid[0]", "fid[1]", "fid[2]"]
    for k, r in enumerate(results):
        # 10 samples asked for k against all 6 test images of class k. The fake
        # features are the point C[k] (covariance 0): FID = |μ - C[k]|² + tr Σ.
        real = quadrants(x_test[y_test == k].astype("float64"))
        by_hand = np.sum((real.mean(0) - C[k]) ** 2) + np.trace(np.cov(real.T))
        assert r.value == pytest.approx(by_hand, rel=1e-4)
        fake = np.full((10, 4), C[k])
        assert r.value == pytest.approx(fid_from_features(real, fake), rel=1e-4)
        assert (r.num_real, r.num_fake, r.extractor) == (6, 10, "pooled")
    # Images with their labels give the same (samples asked for 2, 0, 1, ...).
    labels = np.array([2, 0, 1] * 10)
    images = FlatClassImages().generate_from_latents(None, labels)
    again = class_fid.per_class_fid(
        images, "tiny3", 30, extractor=pooled(), labels=labels, floor=False
    )
    assert [r.value for r in again] == pytest.approx([r.value for r in results])
    with pytest.raises(ValueError, match="needs a conditional model"):
        class_fid.per_class_fid(images, "tiny3", 30, extractor=pooled())


def test_per_class_floor_is_test_against_train_images_of_the_same_class(labelled_split):
    (x_test, y_test), (x_train, y_train) = labelled_split["test"], labelled_split["train"]
    results = class_fid.per_class_fid(FlatClassImages(), "tiny3", 30, extractor=pooled())
    floors = results[3:]
    assert [r.name for r in floors] == ["fid_floor[0]", "fid_floor[1]", "fid_floor[2]"]
    for k, r in enumerate(floors):
        # The 6 test images of class k against 6 of its 8 train images (seed 0).
        chosen = np.sort(np.random.default_rng(0).choice(8, 6, replace=False))
        test = quadrants(x_test[y_test == k])
        train = quadrants(x_train[y_train == k][chosen])
        assert r.value == pytest.approx(fid_from_features(test, train), rel=1e-4)
        assert (r.num_real, r.num_fake) == (6, 0)
        assert r.value < results[k].value  # real vs real beats the flat images


def per_class_metrics(fid_values):
    accuracy = [0.9] * 8 + [0.406, 0.95]
    results = [result("fid", 63.06)]
    results += [result(f"class_accuracy[{k}]", v, "fashion-mnist") for k, v in enumerate(accuracy)]
    results += [result(f"fid[{k}]", v, "fashion-mnist") for k, v in enumerate(fid_values)]
    results += [result(f"fid_floor[{k}]", 3.1, "fashion-mnist") for k in range(len(fid_values))]
    return results


def test_card_shows_per_class_fid_beside_its_floor(tmp_path):
    folder, _ = entry(tmp_path, per_class_metrics([2.0] * 8 + [41.2, 2.5]), RECORD)
    text = card.card_text(folder)
    assert "| class | accuracy | FID (floor) | N requested |" in text
    assert "| 8 bag | 0.406 | 41.2 (3.1) | 1000 |" in text
    assert "against 1,000 real test images of class k" in text
    assert "| fid[8] |" not in text and "| fid_floor[8] |" not in text
    assert "| fid | 63.06 (floor 23.11) |" in text
    assert card.class_index("fid[a_to_b]", "fid") is None  # a translator's, no class


def test_cards_only_adds_per_class_fid_from_the_stored_accuracy_draw(tmp_path, monkeypatch):
    folder = tmp_path / "big_gan_fashion_mnist"
    shutil.copytree(ROOT / "zoo" / "big_gan_fashion_mnist", folder)
    before = json.loads((folder / "metrics.json").read_text())
    before["results"] = [r for r in before["results"] if not r["name"].startswith("fid[")]
    before["results"] = [r for r in before["results"] if not r["name"].startswith("fid_floor[")]
    before["results"] = [
        r for r in before["results"] if not r["name"].startswith("real_class_accuracy[")
    ]
    before.pop("updates", None)
    (folder / "metrics.json").write_text(json.dumps(before))
    overall = next(r for r in before["results"] if r["name"] == "class_accuracy")
    evaluate = load_script("evaluate")
    n = overall["num_fake"]
    labels = np.arange(n) % 10
    outputs = {"features": np.zeros((n, 2)), "logits": np.eye(10)[labels]}
    calls = []
    monkeypatch.setattr(evaluate.zoo_lib, "resolve", lambda name: folder)
    monkeypatch.setattr(evaluate.zoo_lib, "load", lambda entry: FlatClassImages())
    monkeypatch.setattr(
        evaluate.class_accuracy, "requested_and_extracted",
        lambda gan, extractor, num, seed: calls.append((extractor, num, seed))
        or (labels, outputs, extractor),
    )

    def fids(features, requested, dataset, extractor, num_classes):
        assert features is outputs["features"] and requested is labels
        calls.append((dataset, extractor))
        return [MetricResult(f"fid[{k}]", 5.0, 1000, n // 10, extractor) for k in range(10)]

    monkeypatch.setattr(evaluate.class_fid, "per_class_fid_from_features", fids)

    def real_accuracy(dataset, extractor, num_classes):
        calls.append(("real", dataset, extractor, num_classes))
        return [MetricResult(f"real_class_accuracy[{k}]", 0.9, 1000, 0, extractor)
                for k in range(10)]

    monkeypatch.setattr(evaluate.class_accuracy, "real_per_class_accuracy", real_accuracy)
    evaluate.main(["--cards-only", "--zoo", "big_gan_fashion_mnist"])
    assert calls == [
        ("real", "fashion-mnist", "fashion-mnist", FlatClassImages.num_classes),
        ("fashion-mnist", n, 1),
        ("fashion-mnist", "fashion-mnist"),
    ]
    after = json.loads((folder / "metrics.json").read_text())
    assert after["results"][: len(before["results"])] == before["results"]
    assert [r["name"] for r in after["results"][len(before["results"]) :]] == [
        f"fid[{k}]" for k in range(10)
    ] + [f"real_class_accuracy[{k}]" for k in range(10)]
    assert after["updates"][-1]["added"] == [
        "per-class FID with its floor", "the classifier's per-class accuracy on real images"
    ]
    preset_lib.verify_preset(folder)
    text = (folder / "README.md").read_text()
    assert "| class | accuracy (real images) | FID (floor) | N requested |" in text
    assert re.search(r"\| 0 t-shirt \| [0-9.]+ \(0.900\) \| 5 \| 1000 \|", text)


def test_cards_only_adds_an_autoencoders_reconstruction_accuracy(tmp_path, monkeypatch):
    folder = tmp_path / "aae_fashion_mnist"
    shutil.copytree(ROOT / "zoo" / "aae_fashion_mnist", folder)
    before = json.loads((folder / "metrics.json").read_text())
    before["results"] = [
        r for r in before["results"]
        if not r["name"].startswith("reconstruction_class_accuracy[")
    ]
    (folder / "metrics.json").write_text(json.dumps(before))
    evaluate = load_script("evaluate")

    class TenClassAutoencoder(FakeAutoencoder):
        num_classes = 10

    calls = []

    def reconstruction_accuracy(model, dataset, extractor, num_classes):
        calls.append((type(model).__name__, dataset, extractor, num_classes))
        return [MetricResult(f"reconstruction_class_accuracy[{k}]", 0.25, 1000, 0, extractor)
                for k in range(10)]

    monkeypatch.setattr(evaluate.zoo_lib, "resolve", lambda name: folder)
    monkeypatch.setattr(evaluate.zoo_lib, "load", lambda entry: TenClassAutoencoder())
    monkeypatch.setattr(evaluate.class_accuracy, "reconstruction_per_class_accuracy",
                        reconstruction_accuracy)
    evaluate.main(["--cards-only", "--zoo", "aae_fashion_mnist"])
    assert calls == [("TenClassAutoencoder", "fashion-mnist", "fashion-mnist", 10)]
    after = json.loads((folder / "metrics.json").read_text())
    assert after["results"][: len(before["results"])] == before["results"]
    assert [r["name"] for r in after["results"][len(before["results"]):]] == [
        f"reconstruction_class_accuracy[{k}]" for k in range(10)
    ]
    assert after["updates"][-1]["added"] == [
        "per-class accuracy on reconstructions of real images"
    ]
    preset_lib.verify_preset(folder)
    text = (folder / "README.md").read_text()
    assert "| class | accuracy (real images) | reconstructions | FID (floor) | N requested |" in text
    assert re.search(r"\| 5 sandal \| 0.000 \(0.971\) \| 0.250 \| [0-9.]+ \([0-9.]+\) \| 1000 \|", text)
