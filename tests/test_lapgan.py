"""LAPGAN: the pyramid, its levels' phases, staged training, sampling and bad input;
the standard contract (cross-backend loading included) runs in
tests/test_variant_contract.py through the registry."""

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from conftest import to_numpy
from kerasgan.models.lapgan import pyramid

TINY = dict(data_shape=(16, 16, 1), levels=2, latent_dim=8, coarse_g_units=(16,),
            coarse_d_units=(16,), g_filters=4, d_filters=4, seed=3)
THREE = dict(TINY, data_shape=(16, 16, 2), levels=3)


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _weights(model, names):
    return {name: to_numpy(model.network(name).trainable_variables) for name in names}


def _changed(before, after):
    return [not np.array_equal(x, y) for x, y in zip(before, after)]


@pytest.fixture(scope="module")
def three_levels():
    """One uncompiled 3-level model shared by the tests that only read it (building
    networks is most of a test's time on JAX)."""
    return kerasgan.models.LAPGAN(**THREE)


def _adam():
    return dict(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3))


# ---------------------------------------------------------------------- pyramid
@pytest.mark.parametrize("levels", [1, 2, 3, 4])
def test_decompose_then_reconstruct_gives_the_image_back(levels):
    images = random_images(3, (32, 32, 3), seed=levels)
    levels_out = pyramid.laplacian_pyramid(images, levels)
    sides = [a.shape[1] for a in levels_out]
    assert sides == [32 // 2 ** (levels - 1 - k) for k in range(levels)]
    np.testing.assert_allclose(_numpy(pyramid.reconstruct(levels_out)), images, atol=1e-6)


def test_the_operators_are_box_decimation_and_bilinear_upsampling():
    x = random_images(2, (4, 6, 1), seed=1).astype("float64")
    expected_down = x.reshape(2, 2, 2, 3, 2, 1).mean(axis=(2, 4))
    np.testing.assert_allclose(_numpy(pyramid.downsample(x.astype("float32"))),
                               expected_down, atol=1e-6)
    # Half-pixel bilinear ×2, borders clamped: 3/4 of the pixel, 1/4 of its neighbour.
    rows = np.concatenate([x[:, :1], x[:, :-1]], 1), np.concatenate([x[:, 1:], x[:, -1:]], 1)
    tall = np.stack([0.75 * x + 0.25 * rows[0], 0.75 * x + 0.25 * rows[1]], 2)
    tall = tall.reshape(2, 8, 6, 1)
    cols = (np.concatenate([tall[:, :, :1], tall[:, :, :-1]], 2),
            np.concatenate([tall[:, :, 1:], tall[:, :, -1:]], 2))
    wide = np.stack([0.75 * tall + 0.25 * cols[0], 0.75 * tall + 0.25 * cols[1]], 3)
    np.testing.assert_allclose(_numpy(pyramid.upsample(x.astype("float32"))),
                               wide.reshape(2, 8, 12, 1), atol=1e-6)


def test_a_level_trains_on_the_real_coarser_image(three_levels):
    model = three_levels
    images = random_images(2, (16, 16, 2))
    gaussian = pyramid.gaussian_pyramid(images, 3)
    for k in (1, 2):
        residual, condition = model.real_level(images, k)
        np.testing.assert_allclose(_numpy(condition), _numpy(pyramid.upsample(gaussian[k - 1])),
                                   atol=1e-6)
        np.testing.assert_allclose(_numpy(residual + condition), _numpy(gaussian[k]), atol=1e-6)
    coarse, condition = model.real_level(images, 0)
    assert condition is None
    np.testing.assert_allclose(_numpy(coarse), _numpy(gaussian[0]), atol=1e-6)


# ---------------------------------------------------------------------- phases
def test_phases_and_optimizers_one_pair_per_level(three_levels):
    model = three_levels
    model.compile()
    assert [p.name for p in model.phases()] == [
        "discriminator_0", "generator_0", "discriminator_1", "generator_1",
        "discriminator_2", "generator_2"]
    for phase in model.phases():
        assert phase.networks == (phase.name,)
        kind, level = phase.name.split("_")
        assert phase.optimizer == f"{kind[0]}_{level}"
    assert isinstance(model.optimizer.get("g_2"), keras.optimizers.SGD)


def test_training_one_level_changes_its_networks_and_no_other():
    model = kerasgan.models.LAPGAN(**dict(TINY, n_critic=2))
    model.compile(**_adam())
    names = list(model.network_names)
    model.set_train_levels((1,))
    before = _weights(model, names)
    model.fit(random_images(16, (16, 16, 1)), batch_size=8, epochs=1, verbose=0)
    after = _weights(model, names)
    for name in names:
        changed = _changed(before[name], after[name])
        if name.endswith("_1"):
            assert all(changed), name
        else:
            assert not any(changed), name
    assert {k: int(model.optimizer.get(k).iterations) for k in model.optimizer.optimizer_keys} \
        == {"d_1": 4, "g_1": 2}


class _OnlyPhasesOf(kerasgan.models.LAPGAN):
    """A LAPGAN whose step runs the phases of one kind of network only."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def phases(self):
        return [p for p in super().phases() if p.name.startswith(self.kind)]


@pytest.mark.parametrize("kind", ["discriminator", "generator"])
def test_each_phase_updates_only_its_network(kind):
    model = _OnlyPhasesOf(kind, **TINY)
    model.compile(**_adam())
    assert set(model.optimizer.optimizer_keys) == {f"{kind[0]}_0", f"{kind[0]}_1"}
    names = list(model.network_names)
    before = _weights(model, names)
    model.fit(random_images(8, (16, 16, 1)), batch_size=4, epochs=1, verbose=0)
    after = _weights(model, names)
    for name in names:
        changed = _changed(before[name], after[name])
        assert all(changed) if name.startswith(kind) else not any(changed), name


# ---------------------------------------------------------------- staged training
class _Snapshots(keras.callbacks.Callback):
    def __init__(self, names):
        super().__init__()
        self.names, self.begin, self.end = names, [], []

    def on_train_begin(self, logs=None):
        self.begin.append(_weights(self.model, self.names))

    def on_train_end(self, logs=None):
        self.end.append(_weights(self.model, self.names))


def test_fit_stages_trains_level_by_level_and_keeps_the_finished_levels(tmp_path):
    model = kerasgan.models.LAPGAN(**TINY)
    model.compile(**_adam())
    names = list(model.network_names)
    snapshots = _Snapshots(names)
    histories = model.fit_stages(random_images(16, (16, 16, 1)), epochs_per_level=1,
                                 batch_size=8, verbose=0, callbacks=[snapshots],
                                 backup_dir=tmp_path / "stages")
    assert list(histories) == ["level_0_8x8", "level_1_16x16"]
    for k in range(2):
        if k:  # the hand-over: stage k starts from stage k-1's weights
            for name in names:
                assert not any(_changed(snapshots.end[k - 1][name], snapshots.begin[k][name]))
        for name in names:
            changed = _changed(snapshots.begin[k][name], snapshots.end[k][name])
            assert all(changed) if name.endswith(f"_{k}") else not any(changed), (k, name)
    # Each level's optimizer ran its own stage's steps; fit() trains all levels again.
    assert {key: int(model.optimizer.get(key).iterations)
            for key in model.optimizer.optimizer_keys} == {key: 2 for key in model.optimizer_names()}
    assert model.train_levels == (0, 1)
    assert int(model.optimizer.iterations) == 4


def test_a_saved_compiled_model_keeps_every_level_and_its_loss(tmp_path):
    model = kerasgan.models.LAPGAN(**TINY)
    model.compile(optimizers={"g_1": keras.optimizers.Adam(3e-4)}, loss="least_squares")
    model.save(tmp_path / "lap.keras")
    loaded = keras.saving.load_model(tmp_path / "lap.keras")
    assert loaded.adversarial_loss.name == "least_squares"
    assert float(loaded.optimizer.get("g_1").learning_rate) == pytest.approx(3e-4)
    np.testing.assert_allclose(loaded.generate(2, seed=4), model.generate(2, seed=4), atol=1e-6)


# --------------------------------------------------------------------- sampling
def test_generate_is_the_clipped_reconstruction_of_its_pyramid(three_levels):
    model = three_levels
    images = model.generate(5, seed=0)
    levels = model.generate(5, seed=0, return_pyramid=True)
    assert images.shape == (5, 16, 16, 2) and images.dtype == np.float32
    assert [lv.shape for lv in levels] == [(5, 4, 4, 2), (5, 8, 8, 2), (5, 16, 16, 2)]
    np.testing.assert_allclose(images, np.clip(_numpy(pyramid.reconstruct(levels)), -1, 1),
                               atol=1e-6)
    assert images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_allclose(model.generate(5, seed=0, batch_size=2), images, atol=1e-6)
    assert not np.array_equal(model.generate(5, seed=1), images)


def test_ema_generators_are_what_sampling_uses():
    model = kerasgan.models.LAPGAN(**dict(TINY, ema_decay=0.9))
    assert model.ema_network_names == ("generator_0", "generator_1")
    before = model.generate(2, seed=0)
    model.ema_generator_1.set_weights([w * 0 for w in model.ema_generator_1.get_weights()])
    after = model.generate(2, seed=0, return_pyramid=True)
    np.testing.assert_array_equal(after[1], 0.0)
    assert not np.array_equal(before, model.generate(2, seed=0))


# ------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, message", [
    (dict(data_shape=(30, 30, 1), levels=3), "divisible by 2\\*\\*\\(levels-1\\) = 4"),
    (dict(data_shape=(32, 32), levels=2), "\\(height, width, channels\\)"),
    (dict(data_shape=(32, 32, 1), levels=0), "levels must be a positive integer"),
    (dict(data_shape=(32, 32, 1), levels=2.5), "levels must be a positive integer"),
    (dict(data_shape=(32, 32, 1), n_critic=0), "n_critic must be a positive integer"),
])
def test_bad_construction_is_refused_with_the_fix(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kerasgan.models.LAPGAN(**kwargs)


def test_bad_training_and_sampling_arguments_are_refused_before_training():
    model = kerasgan.models.LAPGAN(**TINY)
    with pytest.raises(RuntimeError, match="not compiled"):
        model.fit_stages(random_images(8, (16, 16, 1)), epochs_per_level=1)
    with pytest.raises(ValueError, match="'g_5'"):
        model.compile(optimizers={"g_5": "adam"})
    with pytest.raises(ValueError, match="without a gradient penalty"):
        model.compile(gradient_penalty="wgan-gp")
    model.compile(**_adam())
    with pytest.raises(ValueError, match="one per level"):
        model.fit_stages(random_images(8, (16, 16, 1)), epochs_per_level=[1, 1, 1])
    with pytest.raises(ValueError, match="distinct indices in 0..1"):
        model.set_train_levels((2,))
    with pytest.raises(ValueError):
        model.fit(random_images(8, (28, 28, 1)), batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(2, seed=0, labels=np.zeros(2, "int32"))
    with pytest.raises(ValueError, match="latents_for"):
        model.generate_from_latents(np.zeros((2, 8), "float32"))
    assert int(model.optimizer.iterations) == 0
