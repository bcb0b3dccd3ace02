"""ProGAN: fade-in α moved by the step, the grown networks at α = 0 and 1, real images
at the stage, the drift and penalty values, resuming mid-stage (.keras and
fit_progressive's backup), optimizer counts, bad input. The standard contract
(tests/test_variant_contract.py) runs too."""

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from kerasgan import losses
from kerasgan.models.pro_gan.pro_gan_generator import downscale
from kerasgan.models.pro_gan.pro_gan_generator import upscale

# 8×8: two stages (4×4, 8×8); batches of 8 (two minibatch-stddev groups).
SMALL = dict(latent_dim=8, data_shape=(8, 8, 1), g_filters=4, d_filters=4, max_filters=8,
             seed=4)
BATCH = 8


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _model(**kwargs):
    model = kerasgan.models.ProGAN(**{**SMALL, **kwargs})
    model.compile()
    return model


def _images(n, seed=0):
    return random_images(n, SMALL["data_shape"], seed)


def _fit(model, images, **kwargs):
    return model.fit(images, batch_size=BATCH, epochs=1, verbose=0, shuffle=False, **kwargs)


def _kernel(layer):
    return _numpy(layer.kernel)


def test_alpha_moves_from_0_to_1_across_the_fade_in_inside_the_step():
    # One jitted step per fit(); α after each: the step moved it (jit-safe on JAX).
    model = _model(stage=1, fade_images=4 * BATCH, ema_decay=None)
    assert model.stage == 1 and float(model.alpha) == 0.0
    g_new, g_old = model.generator.to_rgbs[1], model.generator.to_rgbs[0]
    d_new, d_old = model.discriminator.from_rgbs[1], model.discriminator.from_rgbs[0]
    layers = (g_new, g_old, d_new, d_old)
    kernels, alphas = [[_kernel(layer) for layer in layers]], []
    for step in range(5):
        _fit(model, _images(BATCH, seed=step))
        kernels.append([_kernel(layer) for layer in layers])
        alphas.append(float(model.alpha))
    np.testing.assert_allclose(alphas, [0.25, 0.5, 0.75, 1.0, 1.0])
    assert float(model.stage_images) == 5 * BATCH
    # The first step ran at α = 0: the new toRGB and fromRGB got no gradient, the
    # old ones did; the last at α = 1: the other way round.
    first, last = (kernels[0], kernels[1]), (kernels[4], kernels[5])
    for new, old in ((0, 1), (2, 3)):
        np.testing.assert_array_equal(first[1][new], first[0][new])
        assert not np.allclose(first[1][old], first[0][old])
        np.testing.assert_array_equal(last[1][old], last[0][old])
        assert not np.allclose(last[1][new], last[0][new])


def test_grown_networks_at_alpha_one_are_the_new_stage_and_at_zero_the_old_one():
    shape = (16, 16, 1)  # three stages: 4, 8, 16
    g = kerasgan.models.ProGANGenerator(8, shape, filters=4, max_filters=8)
    d = kerasgan.models.ProGANDiscriminator(shape, filters=4, max_filters=8)
    z = ops.convert_to_tensor(np.random.default_rng(0).standard_normal((4, 8)), "float32")
    for stage in (1, 2):
        side = 4 * 2**stage
        images = ops.convert_to_tensor(random_images(4, (side, side, 1), seed=stage))
        new, grown = g.synthesize(z, stage), g.synthesize(z, stage, alpha=1.0)
        np.testing.assert_array_equal(_numpy(grown), _numpy(new))
        np.testing.assert_allclose(_numpy(g.synthesize(z, stage, alpha=0.0)),
                                   _numpy(upscale(g.synthesize(z, stage - 1))), atol=1e-6)
        np.testing.assert_array_equal(_numpy(d.score(images, stage, alpha=1.0)),
                                      _numpy(d.score(images, stage)))
        np.testing.assert_allclose(_numpy(d.score(images, stage, alpha=0.0)),
                                   _numpy(d.score(downscale(images), stage - 1)), atol=1e-5)
        assert tuple(new.shape) == (4, side, side, 1)
    assert tuple(g(z).shape) == (4,) + shape and tuple(d(g(z)).shape) == (4, 1)


def test_real_images_are_box_filtered_to_the_stage_and_faded():
    model = _model(data_shape=(16, 16, 1), stage=1, ema_decay=None)
    x = random_images(4, (16, 16, 1))
    at_8 = x.reshape(4, 8, 2, 8, 2, 1).mean(axis=(2, 4))  # the 2×2 box filter
    at_4 = at_8.reshape(4, 4, 2, 4, 2, 1).mean(axis=(2, 4))
    blurred = np.repeat(np.repeat(at_4, 2, axis=1), 2, axis=2)
    for alpha in (0.0, 0.3, 1.0):
        model.set_stage(1, alpha=alpha)
        expected = (1.0 - alpha) * blurred + alpha * at_8
        np.testing.assert_allclose(_numpy(model.real_at_stage(ops.convert_to_tensor(x))),
                                   expected, atol=1e-6)


def test_generate_is_the_current_stage_upsampled_to_the_data_shape():
    model = _model(data_shape=(16, 16, 1), stage=1)
    at_stage = model.generate_at_stage(3, seed=5)
    assert at_stage.shape == (3, 8, 8, 1)
    images = model.generate(3, seed=5)
    assert images.shape == (3, 16, 16, 1)
    np.testing.assert_allclose(images, np.repeat(np.repeat(at_stage, 2, 1), 2, 2), atol=1e-6)
    assert model.generate_at_stage(2, seed=5, stage=0).shape == (2, 4, 4, 1)


def test_drift_and_gradient_penalty_match_their_closed_forms():
    model = _model(ema_decay=None)
    assert isinstance(model.adversarial_loss, losses.WassersteinDrift)
    assert model.adversarial_loss.drift == 0.001 and model.penalty.weight == 10.0
    assert model.n_critic == 1
    for key in ("g", "d"):
        optimizer = model.optimizer.get(key)
        assert float(optimizer.learning_rate) == pytest.approx(1e-3)
        assert (optimizer.beta_1, optimizer.beta_2) == (0.0, 0.99)
    rng = np.random.default_rng(0)
    real, fake = rng.standard_normal((6, 1)), rng.standard_normal((6, 1))
    value = model.adversarial_loss.discriminator_loss(
        ops.convert_to_tensor(real, "float32"), ops.convert_to_tensor(fake, "float32"))
    expected = fake.mean() - real.mean() + 0.001 * np.mean(real**2)
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)
    # A linear critic D(x) = <w, x> has the gradient w everywhere: λ(‖w‖ - 1)².
    w = rng.standard_normal((1, 8, 8, 1)).astype("float32")
    images = [ops.convert_to_tensor(random_images(4, (8, 8, 1), seed=s)) for s in (1, 2)]
    kernel = ops.convert_to_tensor(w)
    penalty = model.penalty(lambda x: ops.sum(x * kernel, axis=(1, 2, 3)), *images,
                            model.seed_generator)
    np.testing.assert_allclose(float(penalty), 10.0 * (np.linalg.norm(w) - 1.0) ** 2,
                               rtol=1e-4)
    # The drift survives the compile configuration (saved models, stage re-compiles).
    clone = kerasgan.models.ProGAN(**SMALL, ema_decay=None)
    clone.compile(loss=losses.WassersteinDrift(0.01))
    clone.compile_from_config(clone.get_compile_config())
    assert clone.adversarial_loss.drift == 0.01


def test_a_keras_file_saved_mid_fade_continues_at_the_same_stage_and_alpha(tmp_path):
    model = _model(stage=1, fade_images=4 * BATCH)
    model.set_stage(1, alpha=0.25)  # 8 of the fade-in's 32 images seen
    model.save(tmp_path / "pg.keras")
    loaded = keras.saving.load_model(tmp_path / "pg.keras")
    assert loaded.stage == 1 and float(loaded.alpha) == 0.25
    assert float(loaded.stage_images) == BATCH
    assert loaded.get_config() == model.get_config()
    np.testing.assert_allclose(loaded.generate(4, seed=0), model.generate(4, seed=0),
                               atol=1e-6)
    _fit(loaded, _images(2 * BATCH, seed=1))
    assert loaded.stage == 1 and float(loaded.alpha) == pytest.approx(0.75)
    # Weights alone carry the stage too: a model built at stage 0 moves to stage 1.
    loaded.save_weights(tmp_path / "pg.weights.h5")
    fresh = _model()
    assert fresh.stage == 0
    fresh.load_weights(tmp_path / "pg.weights.h5")
    assert fresh.stage == 1 and fresh.get_config()["stage"] == 1
    assert float(fresh.alpha) == pytest.approx(0.75)


class _StopAt(keras.callbacks.Callback):
    """Kills the run (an exception) at the end of `epoch` of the stage with `stage`."""

    def __init__(self, stage, epoch):
        super().__init__()
        self.stage, self.epoch = stage, epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stage == self.stage and epoch == self.epoch:
            raise KeyboardInterrupt("killed")


class _Record(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.starts = []

    def on_train_begin(self, logs=None):
        self.starts.append((self.model.stage, float(self.model.alpha)))


def _progressive(model, data, backup_dir, callbacks=()):
    return model.fit_progressive(data, stage_epochs=2, batch_size=BATCH, shuffle=False,
                                 verbose=0, backup_dir=backup_dir, callbacks=list(callbacks))


def test_a_killed_progressive_run_resumes_at_the_same_stage_and_alpha(tmp_path):
    data = _images(2 * BATCH)  # 2 steps per epoch; 3 phases of 2 epochs: 12 steps
    keras.utils.set_random_seed(1)
    killed = _model()
    with pytest.raises(KeyboardInterrupt):
        _progressive(killed, data, tmp_path / "run", [_StopAt(stage=1, epoch=0)])
    assert killed.stage == 1 and killed.fade_images == 2 * len(data)
    resumed = _model()
    assert resumed.stage == 0
    record = _Record()
    history = _progressive(resumed, data, tmp_path / "run", [record])
    assert list(history) == ["4x4", "8x8_fade", "8x8"] and history["4x4"] is None
    # Resumed in the fade-in after its first epoch: 2 steps of 8 of its 32 images.
    assert record.starts[0] == (1, pytest.approx(0.5))
    assert len(history["8x8_fade"].history["d_loss"]) == 1
    assert resumed.stage == 1 and float(resumed.alpha) == 1.0
    # The step count runs on; each optimizer restarted (fresh Adam) at the fade-in.
    assert int(resumed.optimizer.iterations) == 12
    for key in ("g", "d"):
        assert int(resumed.optimizer.get(key).iterations) == 8


@pytest.mark.parametrize("shape", [(4, 4, 1), (12, 12, 1), (16, 8, 1), (32, 32)])
def test_data_shapes_that_cannot_grow_from_4x4_are_refused(shape):
    with pytest.raises(ValueError, match="data_shape|power-of-two side of at least 8"):
        kerasgan.models.ProGAN(latent_dim=8, data_shape=shape)


def test_bad_arguments_are_refused_before_training():
    with pytest.raises(ValueError, match=r"stage must be an int in \[0, 1\]"):
        kerasgan.models.ProGAN(**SMALL, stage=2)
    with pytest.raises(ValueError, match="fade_images must be a positive integer"):
        kerasgan.models.ProGAN(**SMALL, fade_images=0)
    model = _model(ema_decay=None)
    with pytest.raises(ValueError, match="alpha must be in"):
        model.set_stage(1, alpha=1.5)
    with pytest.raises(ValueError, match="a batch of 6 .* does not split. Use batches whose size is a multiple of 4"):
        model.fit(_images(12), batch_size=6, verbose=0)
    with pytest.raises(ValueError, match="stage_epochs must be a positive integer"):
        model.fit_progressive(_images(8), stage_epochs=0, batch_size=BATCH)
    with pytest.raises(ValueError, match="epochs must be a multiple of 3"):
        model.fit_stages(_images(8), epochs=4, batch_size=BATCH)
    with pytest.raises(RuntimeError, match="not compiled"):
        kerasgan.models.ProGAN(**SMALL).fit_progressive(_images(8), stage_epochs=1)
    assert int(model.optimizer.iterations) == 0
