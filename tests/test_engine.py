"""The train step under fit() on the current backend: what changes, what persists."""

import keras
import numpy as np
import pytest

import kerasgan

from conftest import adam_pair, random_images, tiny_dcgan, to_numpy

STEPS = 6
BATCH = 8


def _fit(gan, steps=STEPS, **fit_kwargs):
    images = random_images(steps * BATCH)
    return gan.fit(
        images, batch_size=BATCH, epochs=1, verbose=0, shuffle=False, **fit_kwargs
    )


# torch runs eagerly by default; jit_compile=True there means torch.compile, which
# takes over a minute to compile this step on 2 CPUs and is not the default path.
JIT_MODES = [False] if keras.backend.backend() == "torch" else [True, False]


@pytest.mark.parametrize("jit_compile", JIT_MODES)
def test_fit_updates_both_networks_and_both_optimizers(jit_compile):
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), jit_compile=jit_compile)
    g_before = to_numpy(gan.generator.trainable_variables)
    d_before = to_numpy(gan.discriminator.trainable_variables)
    history = _fit(gan)
    g_after = to_numpy(gan.generator.trainable_variables)
    d_after = to_numpy(gan.discriminator.trainable_variables)
    assert all(not np.allclose(a, b) for a, b in zip(g_before, g_after))
    assert all(not np.allclose(a, b) for a, b in zip(d_before, d_after))
    # Both optimizers stepped once per train step and kept their state after fit()
    # (on JAX a sub-optimizer missing from model.optimizer.variables restarts silently).
    assert int(gan.g_optimizer.iterations) == STEPS
    assert int(gan.d_optimizer.iterations) == STEPS
    assert int(gan.optimizer.iterations) == STEPS
    first_moments = [m for m in gan.g_optimizer.variables if "momentum" in m.path]
    assert first_moments and all(np.abs(m).sum() > 0 for m in to_numpy(first_moments))
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_optimizer_state_carries_over_between_fits():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    _fit(gan)
    _fit(gan)
    assert int(gan.g_optimizer.iterations) == 2 * STEPS
    assert int(gan.d_optimizer.iterations) == 2 * STEPS


def test_n_critic_runs_the_discriminator_phase_n_times_per_step():
    gan = tiny_dcgan(n_critic=3)
    gan.compile(**adam_pair())
    _fit(gan)
    assert int(gan.d_optimizer.iterations) == 3 * STEPS
    assert int(gan.g_optimizer.iterations) == STEPS


def test_separate_learning_rates_ttur():
    gan = tiny_dcgan()
    gan.compile(**adam_pair(g_lr=1e-4, d_lr=4e-4))
    _fit(gan, steps=1)
    assert np.isclose(float(gan.g_optimizer.learning_rate), 1e-4)
    assert np.isclose(float(gan.d_optimizer.learning_rate), 4e-4)


def test_batch_norm_statistics_change_and_persist():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    moving = [v for v in gan.generator.non_trainable_variables if "moving" in v.path]
    before = to_numpy(moving)
    _fit(gan)
    after = to_numpy(moving)
    assert moving and all(not np.allclose(a, b) for a, b in zip(before, after))


def test_latent_rng_state_advances_every_step():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    state0 = to_numpy([gan.seed_generator.state])[0]
    _fit(gan, steps=1)
    state1 = to_numpy([gan.seed_generator.state])[0]
    _fit(gan, steps=1)
    state2 = to_numpy([gan.seed_generator.state])[0]
    # Each step draws from the SeedGenerator; if a backend dropped the update, every
    # step would reuse the same latents.
    assert not np.array_equal(state0, state1)
    assert not np.array_equal(state1, state2)
    np.testing.assert_array_equal(state2 - state1, state1 - state0)
    z1 = keras.ops.convert_to_numpy(gan.sample_latents(4))
    z2 = keras.ops.convert_to_numpy(gan.sample_latents(4))
    assert not np.allclose(z1, z2)


def test_accepts_x_y_data_and_ignores_labels_when_unconditional():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    images = random_images(2 * BATCH)
    labels = np.arange(2 * BATCH) % 10
    history = gan.fit(images, labels, batch_size=BATCH, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_gradient_penalty_is_logged_and_trains():
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), loss="wasserstein", gradient_penalty="wgan_gp")
    history = _fit(gan, steps=2)
    assert history.history["wgan_gp"][0] > 0


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_policies_train(policy):
    keras.config.set_dtype_policy(policy)
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    assert gan.generator.layers[1].compute_dtype == policy.split("_")[1]
    before = to_numpy(gan.generator.trainable_variables)
    history = _fit(gan, steps=2)
    after = to_numpy(gan.generator.trainable_variables)
    assert all(np.isfinite(v[0]) for v in history.history.values())
    assert any(not np.allclose(a, b) for a, b in zip(before, after))
    images = gan.generate(2, seed=0)
    assert images.dtype == np.float32 and np.all(np.abs(images) <= 1)


def test_generate_is_deterministic_in_range_and_batched():
    gan = tiny_dcgan()
    a = gan.generate(5, seed=3, batch_size=2)
    b = gan.generate(5, seed=3)
    c = gan.generate(5, seed=4)
    assert a.shape == (5, 28, 28, 1) and a.dtype == np.float32
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert not np.allclose(a, c)
    assert a.min() >= -1 and a.max() <= 1


# ------------------------------------------------------------------ bad input
def test_image_shape_that_does_not_fit_gives_clear_error():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    with pytest.raises(
        ValueError, match=r"expects images of shape .*\(28, 28, 1\).*\(32, 32, 3\)"
    ):
        gan.fit(random_images(8, shape=(32, 32, 3)), batch_size=4, verbose=0)


def test_nan_in_an_array_gives_clear_error():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    images = random_images(16)
    images[5, 3, 3, 0] = np.nan
    with pytest.raises(
        ValueError, match=r"NaN/inf values in 1 examples \(first indices: \[5\]\)"
    ):
        gan.fit(images, batch_size=4, verbose=0)


def test_nan_in_a_streamed_batch_stops_training_with_clear_error():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())

    def batches():
        while True:
            images = random_images(4)
            images[0, 0, 0, 0] = np.nan
            yield (images,)

    with pytest.raises(
        FloatingPointError, match="non-finite values .*NaN/inf in the input"
    ):
        gan.fit(batches(), steps_per_epoch=3, epochs=1, verbose=0)


def test_integer_images_are_refused_with_scaling_hint():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    images = np.zeros((8, 28, 28, 1), "uint8")
    with pytest.raises(ValueError, match=r"127.5 - 1"):
        gan.fit(images, batch_size=4, verbose=0)


def test_missing_optimizer_gives_clear_error():
    # VanillaGAN declares no default optimizers (DCGAN falls back to the paper's).
    gan = kerasgan.models.VanillaGAN(latent_dim=4, data_shape=(2,), hidden_units=(8,))
    with pytest.raises(ValueError, match="needs d_optimizer"):
        gan.compile(g_optimizer=keras.optimizers.Adam())


def test_dcgan_compiles_with_the_papers_optimizers_by_default():
    gan = tiny_dcgan()
    gan.compile()
    for optimizer in (gan.g_optimizer, gan.d_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert np.isclose(float(optimizer.learning_rate), 2e-4)
        assert np.isclose(optimizer.beta_1, 0.5)


def test_fit_before_compile_gives_clear_error():
    with pytest.raises(RuntimeError, match="not compiled"):
        tiny_dcgan().fit(random_images(4), verbose=0)


def test_shared_optimizer_object_is_refused():
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same object"):
        tiny_dcgan().compile(g_optimizer=optimizer, d_optimizer=optimizer)
