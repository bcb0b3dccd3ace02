"""kerasgan.apps.augment / tstr and `kerasgan augment`, on the current backend."""

import numpy as np
import pytest

import kerasgan
from kerasgan import cli
from kerasgan.apps import augmentation
from kerasgan.utils.images import to_uint8

SHAPE = (16, 16, 1)


def tiny_conditional_gan(num_classes=3, shape=SHAPE):
    return kerasgan.models.ConditionalGAN(
        num_classes=num_classes, latent_dim=8, data_shape=shape, g_filters=4,
        d_filters=4, seed=7,
    )


def imbalanced_data(counts=(40, 15, 5), shape=SHAPE):
    """Images whose every pixel is the example's index / 1000: each real row is
    recognisable in the mixed batches (generated pixels are tanh outputs)."""
    labels = np.repeat(np.arange(len(counts)), counts).astype("int32")
    np.random.default_rng(0).shuffle(labels)
    index = np.arange(len(labels), dtype="float32") / 1000
    images = np.broadcast_to(index[:, None, None, None], (len(labels),) + shape)
    return np.ascontiguousarray(images), labels


@pytest.fixture(scope="module")
def gan():
    return tiny_conditional_gan()


def epochs_of(dataset, epochs):
    return [list(dataset.as_numpy_iterator()) for _ in range(epochs)]


def test_ratio_real_rows_and_rebalancing_exact_every_epoch(gan):
    images, labels = imbalanced_data()  # classes 40 / 15 / 5: imbalanced
    ds, plan = augmentation.augment(
        (images, labels), gan, ratio=0.5, labels="balanced", batch_size=10,
        return_plan=True, verbose=False,
    )
    assert (plan.real_per_batch, plan.synthetic_per_batch, plan.batches) == (5, 5, 12)
    assert plan.label_format == "int"
    synthetic_seen = []
    for batches in epochs_of(ds, 2):
        x = np.concatenate([b[0] for b in batches])
        y = np.concatenate([b[1] for b in batches])
        real_rows = np.concatenate([np.arange(10 * i, 10 * i + 5) for i in range(12)])
        is_real = np.zeros(len(y), bool)
        is_real[real_rows] = True
        # The real examples pass through unchanged, in order, first in every batch.
        np.testing.assert_array_equal(x[is_real], images)
        np.testing.assert_array_equal(y[is_real], labels)
        # Exactly half of every batch is generated, and the mixed classes are equal.
        assert all(len(b[0]) == 10 for b in batches)
        assert np.bincount(y, minlength=3).tolist() == [40, 40, 40]
        assert np.bincount(y[~is_real], minlength=3).tolist() == [0, 25, 35]
        assert not np.isin(x[~is_real][:, 0, 0, 0], images[:, 0, 0, 0]).all()
        synthetic_seen.append(x[~is_real])
    # Each epoch uses every synthetic example once, reshuffled.
    first, second = (np.sort(s.reshape(len(s), -1), axis=0) for s in synthetic_seen)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(synthetic_seen[0], synthetic_seen[1])


def test_ratio_rounds_per_batch_and_match_follows_real_classes(gan):
    images, labels = imbalanced_data()
    _, plan = augmentation.augment((images, labels), gan, ratio=0.3, labels="match",
                                   batch_size=16, return_plan=True, verbose=False)
    assert plan.synthetic_per_batch == 5  # round(0.3 * 16): within 1 / 32 of 0.3
    assert abs(plan.ratio - 0.3) <= 1 / 32
    total = plan.batches * plan.synthetic_per_batch
    assert sum(plan.synthetic_counts) == total == 5 * (60 // 11)
    assert plan.synthetic_counts == (17, 6, 2)  # 25 split 40 : 15 : 5, largest remainder


def test_class_counts_modes():
    counts = augmentation.class_counts
    assert counts("balanced", 27, [10, 1, 1]).tolist() == [3, 12, 12]  # 13 each
    assert counts("balanced", 28, [10, 1, 1]).tolist() == [4, 12, 12]
    assert counts("balanced", 7, [10, 1, 1]).tolist() == [0, 4, 3]  # too few: fill up
    assert counts("balanced", 5, [1, 1, 1]).tolist() == [2, 2, 1]
    assert counts({2: 1.0}, 6, [3, 3, 3]).tolist() == [0, 0, 6]
    assert counts([1, 1, 2], 8, [5, 0, 0]).tolist() == [2, 2, 4]


def test_one_hot_labels_come_out_one_hot(gan):
    images, labels = imbalanced_data()
    one_hot = np.eye(3, dtype="float32")[labels]
    tf = augmentation.tensorflow()
    real = tf.data.Dataset.from_tensor_slices((images, one_hot)).batch(6)
    ds, plan = augmentation.augment(real, gan, ratio=0.5, return_plan=True, verbose=False)
    assert plan.label_format == "one-hot" and plan.batch_size == 6  # the real batch size
    x, y = next(ds.as_numpy_iterator())
    assert x.shape == (6,) + SHAPE and y.shape == (6, 3) and y.dtype == np.float32
    np.testing.assert_array_equal(y.sum(axis=1), 1.0)


def test_mixed_dataset_trains_a_keras_classifier(gan):
    images, labels = imbalanced_data()
    ds = augmentation.augment((images, labels), gan, ratio=0.5, batch_size=10,
                              verbose=False)
    classifier = augmentation.small_classifier(SHAPE, 3)
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = [np.array(w) for w in classifier.get_weights()]
    history = classifier.fit(ds.repeat(), epochs=1, steps_per_epoch=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    after = classifier.get_weights()
    assert any(not np.allclose(b, a) for b, a in zip(before, after))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(ratio=1.0), r"\[0, 1\)"),
        (dict(ratio=-0.1), r"\[0, 1\)"),
        (dict(labels="uniform"), "balanced"),
        (dict(labels=[1, 2]), "one weight per class"),
        (dict(ratio=0.01, batch_size=10), "rounds to no synthetic"),
        (dict(batch_size=200), "fewer than"),
    ],
)
def test_bad_arguments_fail_before_generating(gan, kwargs, message):
    images, labels = imbalanced_data()
    kwargs = dict(dict(batch_size=10), **kwargs)
    with pytest.raises(ValueError, match=message):
        augmentation.augment((images, labels), gan, verbose=False, **kwargs)


def test_unconditional_generator_refuses_labelled_data_but_mixes_images():
    dcgan = kerasgan.models.DCGAN(latent_dim=8, data_shape=SHAPE, g_filters=4,
                                  d_filters=4, seed=7)
    images, labels = imbalanced_data()
    with pytest.raises(ValueError, match="unconditional"):
        augmentation.augment((images, labels), dcgan, verbose=False)
    ds = augmentation.augment(images, dcgan, ratio=0.25, batch_size=8, verbose=False)
    batch = next(ds.as_numpy_iterator())
    assert batch.shape == (8,) + SHAPE
    np.testing.assert_array_equal(batch[:6], images[:6])


def test_shape_mismatch_and_infinite_data_are_refused(gan):
    images, labels = imbalanced_data(shape=(28, 28, 1))
    with pytest.raises(ValueError, match=r"shape \(16, 16, 1\).*\(28, 28, 1\)"):
        augmentation.augment((images, labels), gan, verbose=False)
    images, labels = imbalanced_data()
    tf = augmentation.tensorflow()
    endless = tf.data.Dataset.from_tensor_slices((images, labels)).batch(10).repeat()
    with pytest.raises(ValueError, match="infinite"):
        augmentation.augment(endless, gan, verbose=False)
    with pytest.raises(ValueError, match="labels must lie|Real labels"):
        augmentation.augment((images, labels + 1), gan, verbose=False, batch_size=10)


def test_tstr_table_on_mnist_5k():
    gan = tiny_conditional_gan(num_classes=10, shape=(28, 28, 1))
    x, y = kerasgan.data.load_numpy("mnist-5k")
    data = ((x[:4000], y[:4000]), (x[4500:], y[4500:]))
    table = kerasgan.apps.tstr(gan, data, seeds=(0,), epochs=1, train_size=256,
                               batch_size=64, steps_per_epoch=2)
    assert [(r["train"], r["seed"]) for r in table["records"]] == [
        ("real", 0), ("synthetic", 0)]
    assert all(r["examples"] == 256 and 0 <= r["accuracy"] <= 1 for r in table["records"])
    real = [r["accuracy"] for r in table["records"] if r["train"] == "real"]
    assert table["real"] == pytest.approx((np.mean(real), np.std(real)))
    assert table["gap"] == pytest.approx(100 * (table["real"][0] - table["synthetic"][0]))
    with pytest.raises(ValueError, match="class-conditional"):
        kerasgan.apps.tstr(kerasgan.models.DCGAN(latent_dim=8), data)


def test_cli_writes_a_mixed_npz(tmp_path, capsys):
    gan = tiny_conditional_gan(num_classes=10, shape=(28, 28, 1))
    gan.compile()
    (tmp_path / "run").mkdir()
    gan.save(tmp_path / "run" / "model.keras")
    out = tmp_path / "mixed.npz"
    command = ["augment", str(tmp_path / "run"), "--dataset", "mnist-5k", "--ratio",
               "0.25", "--limit", "96", "--batch-size", "32", "--out", str(out)]
    assert cli.main(command) == cli.OK
    saved = np.load(out)
    assert saved["x"].dtype == np.uint8 and saved["x"].shape == (128, 28, 28, 1)
    assert saved["synthetic"].sum() == 32 and saved["synthetic"][24:32].all()
    x, y = kerasgan.data.load_numpy("mnist-5k")
    real = ~saved["synthetic"]
    np.testing.assert_array_equal(saved["x"][real], to_uint8(x[:96]))
    np.testing.assert_array_equal(saved["y"][real], y[:96])
    balanced = augmentation.class_counts("balanced", 32, np.bincount(y[:96], minlength=10))
    assert np.bincount(saved["y"][~real], minlength=10).tolist() == balanced.tolist()
    assert cli.main(command[:-2] + ["--ratio", "1.5", "--out", str(out)]) == cli.USAGE
    assert "[0, 1)" in capsys.readouterr().err
