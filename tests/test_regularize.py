"""Regularizers attached to phases (kerasgan.Regularize): lazy R1 on D, path length on
G, orthogonal regularization, their state, logs and serialization."""

import keras
import numpy as np
import pytest

import kerasgan
from kerasgan import losses

from conftest import adam_pair, random_images, tiny_dcgan, to_numpy

STEPS = 6


def _fit(gan, steps=STEPS):
    return gan.fit(random_images(steps * 8), batch_size=8, epochs=1, verbose=0,
                   shuffle=False)


def test_lazy_r1_on_the_discriminator_runs_every_k_steps():
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), regularizers=[kerasgan.Regularize("r1", interval=4)])
    history = _fit(gan)
    # Steps 0 and 4 ran the extra phase with D's optimizer.
    assert int(gan.d_optimizer.iterations) == STEPS + 2
    assert int(gan.g_optimizer.iterations) == STEPS
    assert history.history["r1"][0] > 0
    assert [p.name for p in gan.phases()] == ["discriminator", "generator", "d_r1"]
    assert gan.phases()[-1].loss_scale == 4.0


def test_path_length_on_the_generator_keeps_its_running_mean_in_the_model():
    gan = tiny_dcgan()
    gan.compile(**adam_pair(),
                regularizers=[kerasgan.Regularize(losses.PathLengthPenalty(2.0), interval=2)])
    (mean,) = gan.regularizers[0].regularizer.variables
    assert any(mean is v for v in gan.non_trainable_variables)
    history = _fit(gan)
    assert int(gan.g_optimizer.iterations) == STEPS + 3
    assert float(np.asarray(mean)) > 0  # updated inside the (jitted) step
    assert np.isfinite(history.history["path_length"][0])


def test_mode_seeking_on_a_conditional_generator_is_logged_and_trains_it():
    gan = kerasgan.models.ConditionalGAN(num_classes=3, latent_dim=4, data_shape=(2,),
                                         hidden_units=(8,), seed=0)
    gan.compile(regularizers=["mode_seeking"])
    assert [r.network for r in gan.regularizers] == ["generator"]
    before = to_numpy(gan.generator.trainable_variables)
    x = np.random.default_rng(0).normal(size=(STEPS * 8, 2)).astype("float32")
    history = gan.fit(x, np.arange(STEPS * 8) % 3, batch_size=8, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == STEPS
    term = history.history["mode_seeking"][0]
    assert np.isfinite(term) and term > 0
    assert all(np.any(b != a) for b, a in zip(before, to_numpy(gan.generator.trainable_variables)))


def test_orthogonal_regularization_every_step_is_logged_and_added():
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), regularizers=[
        kerasgan.Regularize(losses.OrthogonalRegularization(1e-2), network="generator")])
    # G's weights before its first update (the D phase runs first and leaves G alone).
    kernels = to_numpy([v for v in gan.generator.trainable_variables if len(v.shape) >= 2])
    history = _fit(gan, steps=1)
    expected = 0.0
    for kernel in kernels:
        w = kernel.reshape(-1, kernel.shape[-1]).astype("float64")
        gram = w.T @ w
        expected += np.sum((gram * (1 - np.eye(len(gram)))) ** 2)
    assert kernels
    np.testing.assert_allclose(history.history["g_orthogonal"][0], 1e-2 * expected, rtol=1e-4)
    assert set(history.history) >= {"d_loss", "g_loss", "g_orthogonal"}


def test_regularize_refuses_the_wrong_network():
    with pytest.raises(ValueError, match="regularizes the discriminator, not"):
        kerasgan.Regularize("r1", network="generator")
    with pytest.raises(ValueError, match="positive integer"):
        kerasgan.Regularize("r1", interval=0)


def test_regularizers_survive_save_and_load_model(tmp_path):
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), regularizers=[
        kerasgan.Regularize(losses.R1Penalty(5.0), interval=16),
        kerasgan.Regularize(losses.PathLengthPenalty(2.0), interval=4)])
    _fit(gan, steps=1)
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert [r.get_config() for r in loaded.regularizers] == [
        r.get_config() for r in gan.regularizers
    ]
    np.testing.assert_allclose(
        np.asarray(loaded.regularizers[1].regularizer.variables[0]),
        np.asarray(gan.regularizers[1].regularizer.variables[0]),
    )
    _fit(loaded, steps=1)


def _count_generator_calls(gan, monkeypatch):
    """A list that grows by one at every call of the generator network."""
    calls, call = [], gan.generator.call

    def counted(*args, **kwargs):
        calls.append(1)
        return call(*args, **kwargs)

    monkeypatch.setattr(gan.generator, "call", counted)
    return calls


def test_the_lazy_r1_phase_neither_calls_the_generator_nor_draws_latents(monkeypatch):
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), regularizers=[kerasgan.Regularize("r1", interval=2)])
    calls = _count_generator_calls(gan, monkeypatch)
    phase = gan.phases()[-1]
    assert phase.name == "d_r1"
    state = to_numpy([gan.seed_generator.state])
    value, logs = phase.loss_fn(keras.ops.convert_to_tensor(random_images(8)), None)
    assert calls == [] and to_numpy([value])[0] > 0 and set(logs) == {"r1"}
    np.testing.assert_array_equal(to_numpy([gan.seed_generator.state])[0], state[0])
    # A penalty that reads fakes (WGAN-GP) still draws them, through G.
    gan.compile(**adam_pair(), regularizers=[kerasgan.Regularize("wgan_gp", interval=2)])
    gan.phases()[-1].loss_fn(keras.ops.convert_to_tensor(random_images(8)), None)
    assert len(calls) == 1


def test_a_fit_with_lazy_r1_calls_the_generator_only_in_the_d_and_g_phases(monkeypatch):
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), regularizers=[kerasgan.Regularize("r1", interval=2)],
                run_eagerly=True)
    calls = _count_generator_calls(gan, monkeypatch)
    _fit(gan, steps=3)
    assert int(gan.d_optimizer.iterations) == 3 + 2  # R1 ran at steps 0 and 2
    assert len(calls) == 2 * 3  # one call for D's fakes and one for G's per step
