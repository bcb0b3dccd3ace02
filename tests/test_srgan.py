"""SRGAN: its stages, content loss, networks, errors and saving without the content
network; the standard contract runs too (tests/test_variant_contract.py)."""

import subprocess
import sys

import h5py
import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import other_backends
from conftest import random_images
from conftest import subprocess_env
from conftest import to_numpy
from kerasgan import zoo
from kerasgan.layers.pixel_shuffle import PixelShuffle
from kerasgan.models.srgan import content_network
from kerasgan.models.srgan import sr_discriminator

TINY = dict(scale=2, data_shape=(16, 16, 1), residual_blocks=1, g_filters=4, d_filters=4)
FEATURES = "tiny_features"


def tiny_srgan(**kwargs):
    return kerasgan.models.SRGAN(**{**TINY, "seed": 5, **kwargs})


def pairs(n=16, seed=0):
    high_res = random_images(n, (16, 16, 1), seed)
    low_res = high_res.reshape(n, 8, 2, 8, 2, 1).mean(axis=(2, 4))
    return low_res, high_res


def tiny_features(name=FEATURES):
    """A fixed network: 1×1 convolution to 3 channels with known weights, then tanh."""
    inputs = keras.Input((16, 16, 1))
    layer = keras.layers.Conv2D(3, 1, activation="tanh", name="project")
    outputs = layer(inputs)
    layer.set_weights([np.array([[[[0.5, -1.0, 2.0]]]], "float32"),
                       np.array([0.1, 0.0, -0.2], "float32")])
    return keras.Model(inputs, outputs, name=name)


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _weights(network):
    return to_numpy(network.weights)


def _changed(before, after):
    return [not np.array_equal(x, y) for x, y in zip(before, after)]


# ------------------------------------------------------------------- stages
def test_the_pretrain_stage_trains_the_generator_on_mse_and_never_touches_d():
    model = tiny_srgan(stage="pretrain")
    model.compile()
    assert model.optimizer.optimizer_keys == ("g",)
    assert [p.name for p in model.phases()] == ["pretrain"]
    d_before, g_before = _weights(model.discriminator), _weights(model.generator)
    history = model.fit(pairs(), batch_size=8, epochs=1, verbose=0)
    assert set(history.history) == {"mse"}
    # Every weight of D, batch-norm statistics included, is as it was.
    assert not any(_changed(d_before, _weights(model.discriminator)))
    assert any(_changed(g_before, _weights(model.generator)))
    assert int(model.optimizer.get("g").iterations) == 2


def test_switching_to_the_adversarial_stage_keeps_g_state_and_starts_d():
    model = tiny_srgan(stage="pretrain")
    model.compile(optimizers={"d": keras.optimizers.Adam(3e-4, beta_1=0.5)})
    model.fit(pairs(), batch_size=8, epochs=1, verbose=0)
    g_optimizer = model.optimizer.get("g")
    model.set_stage("adversarial")
    assert model.optimizer.optimizer_keys == ("d", "g")
    assert model.optimizer.get("g") is g_optimizer
    # The optimizer given for D while it waited is the one it trains with.
    np.testing.assert_allclose(float(model.optimizer.get("d").learning_rate), 3e-4)
    d_before = _weights(model.discriminator)
    history = model.fit(pairs(), batch_size=8, epochs=1, verbose=0)
    assert {"d_loss", "g_loss", "content", "g_adversarial"} <= set(history.history)
    assert any(_changed(d_before, _weights(model.discriminator)))
    counts = {k: int(model.optimizer.get(k).iterations) for k in ("g", "d")}
    assert counts == {"g": 4, "d": 2}
    assert int(model.optimizer.iterations) == 4


class _RecordD(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.fits = []

    def on_train_begin(self, logs=None):
        self.fits.append([_weights(self.model.discriminator)])

    def on_train_end(self, logs=None):
        self.fits[-1].append(_weights(self.model.discriminator))


def test_fit_stages_pretrains_then_trains_adversarially(tmp_path):
    model = tiny_srgan()
    model.compile()
    recorder = _RecordD()
    stages = model.training_stages(pairs(), pretrain_epochs=1, epochs=1, batch_size=8)
    assert [s.name for s in stages] == ["pretrain", "adversarial"]
    histories = kerasgan.engine.fit_stages(model, stages, backup_dir=tmp_path,
                                           callbacks=[recorder], verbose=0)
    assert set(histories["pretrain"].history) == {"mse"}
    assert "d_loss" in histories["adversarial"].history
    (pretrain_start, pretrain_end), (adversarial_start, adversarial_end) = recorder.fits
    assert not any(_changed(pretrain_start, pretrain_end))
    assert any(_changed(adversarial_start, adversarial_end))
    assert model.stage == "adversarial" and int(model.optimizer.iterations) == 4


# ------------------------------------------------------------------- losses
def _project(images):
    """tiny_features in NumPy."""
    return np.tanh(_numpy(images) * np.array([0.5, -1.0, 2.0]) + [0.1, 0.0, -0.2])


def test_content_loss_is_the_mse_of_the_content_features():
    network = tiny_features()
    model = tiny_srgan(content=FEATURES)
    model.compile(content_network=network)
    low_res, high_res = (ops.convert_to_tensor(a) for a in pairs(4))
    fake = model.generator(low_res, training=True)
    expected = np.mean((_project(fake) - _project(high_res)) ** 2)
    actual = model.content_loss(fake, high_res)
    np.testing.assert_allclose(float(_numpy(actual)), expected, rtol=1e-5)
    logits = _numpy(model.discriminator(fake, training=True))
    loss, logs = model.generator_loss(low_res, high_res)
    np.testing.assert_allclose(float(_numpy(logs["content"])), expected, rtol=1e-5)
    adversarial = np.mean(np.logaddexp(0.0, -logits))  # −log σ(D(G(x)))
    np.testing.assert_allclose(float(_numpy(loss)), expected + 1e-3 * adversarial, rtol=1e-5)


def test_pixel_content_loss_is_the_mse_and_d_loss_the_logistic_loss():
    model = tiny_srgan()
    low_res, high_res = (ops.convert_to_tensor(a) for a in pairs(4))
    fake = model.generator(low_res, training=True)
    mse = np.mean((_numpy(fake) - _numpy(high_res)) ** 2)
    np.testing.assert_allclose(float(_numpy(model.content_loss(fake, high_res))), mse, rtol=1e-5)
    real_logits = _numpy(model.discriminator(high_res, training=True))
    fake_logits = _numpy(model.discriminator(fake, training=True))
    d_loss, _ = model.discriminator_loss(low_res, high_res)
    expected = (np.mean(np.logaddexp(0.0, -real_logits))
                + np.mean(np.logaddexp(0.0, fake_logits)))
    np.testing.assert_allclose(float(_numpy(d_loss)), expected, rtol=1e-5)


def test_vgg_input_is_keras_caffe_preprocessing_of_images_in_minus_one_one():
    images = random_images(2, (8, 8, 3))
    expected = keras.applications.vgg19.preprocess_input((images + 1.0) * 127.5)
    actual = _numpy(content_network._to_vgg_input(ops.convert_to_tensor(images)))
    np.testing.assert_allclose(actual, expected, atol=1e-3)
    gray = random_images(2, (8, 8, 1))
    actual = _numpy(content_network._to_vgg_input(ops.convert_to_tensor(gray)))
    rgb = np.repeat((gray + 1.0) * 127.5, 3, axis=-1)
    expected = keras.applications.vgg19.preprocess_input(rgb)
    np.testing.assert_allclose(actual, expected, atol=1e-3)


# ----------------------------------------------------------------- networks
@pytest.mark.parametrize("side, scale, strided", [
    (28, 2, 2), (28, 4, 2), (32, 4, 3), (64, 4, 4), (256, 4, 4),
])
def test_srresnet_and_discriminator_shapes_follow_the_image_size(side, scale, strided):
    low = side // scale
    generator = kerasgan.models.SRResNetGenerator((low, low, 3), scale, filters=4,
                                                  residual_blocks=1)
    assert generator.compute_output_shape((1, low, low, 3)) == (1, side, side, 3)
    upsamplers = [layer for layer in generator.layers if isinstance(layer, PixelShuffle)]
    assert len(upsamplers) == int(np.log2(scale))
    discriminator = kerasgan.models.SRDiscriminator((side, side, 3), filters=4,
                                                    dense_units=8)
    assert discriminator.strided_blocks == strided
    convolutions = _convolutions(discriminator)
    assert len(convolutions) == sr_discriminator.CONV_LAYERS
    assert [c.strides[0] for c in convolutions].count(2) == strided
    assert discriminator.output_shape == (None, 1)


def _convolutions(network):
    return [layer for layer in network.layers if isinstance(layer, keras.layers.Conv2D)]


def test_the_discriminator_has_the_papers_widths_and_flattens_6x6_at_96_px():
    # Ledig et al. Figure 4: 64-64-128-128-256-256-512-512 (here / 32), 96 px → 6×6.
    discriminator = kerasgan.models.SRDiscriminator((96, 96, 3), filters=2, dense_units=8)
    widths = [conv.filters for conv in _convolutions(discriminator)]
    assert widths == [2, 2, 4, 4, 8, 8, 16, 16]
    flatten = [layer for layer in discriminator.layers
               if isinstance(layer, keras.layers.Flatten)][0]
    assert tuple(flatten.input.shape[1:]) == (6, 6, 16)


def _depth_to_space(x, r):
    """TF's depth_to_space, written out: out[h·r+i, w·r+j, k] = in[h, w, (i·r+j)·c+k]."""
    batch, height, width, depth = x.shape
    c = depth // (r * r)
    out = np.zeros((batch, height * r, width * r, c), x.dtype)
    for h in range(height):
        for w in range(width):
            for i in range(r):
                for j in range(r):
                    first = (i * r + j) * c
                    out[:, h * r + i, w * r + j, :] = x[:, h, w, first:first + c]
    return out


@pytest.mark.parametrize("r, channels", [(2, 1), (2, 3), (3, 2)])
def test_pixel_shuffle_is_tensorflows_depth_to_space(r, channels):
    shape = (2, 3, 4, channels * r * r)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    np.testing.assert_array_equal(_numpy(PixelShuffle(r)(x)), _depth_to_space(x, r))


# ------------------------------------------------------------------- errors
def test_scales_that_do_not_fit_the_image_are_refused():
    with pytest.raises(ValueError, match=r"scale 4 must divide .* \(30, 30, 1\).*28×28"):
        kerasgan.models.SRGAN(scale=4, data_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="power of two"):
        kerasgan.models.SRGAN(scale=3, data_shape=(30, 30, 1))
    with pytest.raises(ValueError, match="height, width, channels"):
        kerasgan.models.SRGAN(scale=2, data_shape=(32,))


def test_upscale_takes_low_res_images_of_any_size_with_the_model_channels():
    model = tiny_srgan()
    low_res, high_res = pairs(2)
    assert model.upscale(low_res).shape == (2, 16, 16, 1)
    assert model.upscale(low_res[0]).shape == (16, 16, 1)
    # Fully convolutional: a whole photograph, not only training-size patches.
    assert model.upscale(high_res).shape == (2, 32, 32, 1)
    advice = r"\(None, None, 1\).*low-resolution images with 1 channel"
    with pytest.raises(ValueError, match=advice):
        model.upscale(np.repeat(low_res, 3, axis=-1))
    with pytest.raises(ValueError, match="uint8"):
        model.upscale(np.zeros((1, 8, 8, 1), "uint8"))


def _dihedral(images, flip, turns):
    return np.rot90(images[:, :, ::-1] if flip else images, turns, axes=(1, 2))


def test_the_self_ensemble_is_equivariant_to_flips_and_quarter_turns():
    # One pass of a random network is not; the average of the 8 transformed passes,
    # each turned back, turns and flips exactly with its input.
    model = tiny_srgan()
    x = random_images(2, (6, 7, 1), seed=4)  # not square: turns swap the sides
    ensemble = model.upscale(x, self_ensemble=True)
    assert ensemble.shape == (2, 12, 14, 1) and ensemble.dtype == np.float32
    plain_gaps = []
    for flip, turns in kerasgan.models.srgan.srgan.DIHEDRAL[1:]:
        turned = np.ascontiguousarray(_dihedral(x, flip, turns))
        np.testing.assert_allclose(model.upscale(turned, self_ensemble=True),
                                   _dihedral(ensemble, flip, turns), atol=1e-5)
        plain_gaps.append(np.abs(model.upscale(turned)
                                 - _dihedral(model.upscale(x), flip, turns)).max())
    assert max(plain_gaps) > 1e-3  # so the check above can fail
    np.testing.assert_allclose(model.upscale(x[0], self_ensemble=True), ensemble[0],
                               atol=1e-6)
    with pytest.raises(ValueError, match="uint8"):
        model.upscale(np.zeros((1, 8, 8, 1), "uint8"), self_ensemble=True)


def test_fit_refuses_low_res_images_of_the_wrong_size():
    model = tiny_srgan()
    model.compile()
    _, high_res = pairs(8)
    with pytest.raises(ValueError, match="low_res"):
        model.fit((high_res, high_res), batch_size=8, verbose=0)


def test_vgg_content_offline_says_what_works(monkeypatch):
    def offline(fname, origin, **kwargs):
        assert origin == content_network.VGG19_WEIGHTS_URL
        raise Exception(f"URL fetch failure on {origin}: None -- [Errno -3]")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    model = tiny_srgan(content="vgg54")
    model.compile()
    advice = r"VGG19.*could not be downloaded.*content='pixels'"
    with pytest.raises(RuntimeError, match=advice):
        model.fit(pairs(), batch_size=8, verbose=0)
    # The pretrain stage compares pixels: it trains offline.
    model.set_stage("pretrain")
    model.fit(pairs(), batch_size=8, verbose=0)


def test_content_network_errors():
    with pytest.raises(ValueError, match="compares pixels"):
        tiny_srgan().set_content_network(tiny_features())
    shape = r"must take high-resolution images of shape \(16, 16, 1\)"
    with pytest.raises(ValueError, match=shape):
        wrong = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                  keras.layers.Dense(2)])
        tiny_srgan(content=FEATURES).set_content_network(wrong)
    model = tiny_srgan(content=FEATURES)
    model.compile()
    with pytest.raises(ValueError, match=r"'tiny_features'.*compile\(content_network="):
        model.fit(pairs(), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="stage must be one of"):
        model.set_stage("finetune")


# ------------------------------------------------------------------- saving
def test_config_records_the_content_network_by_name():
    model = tiny_srgan(content=tiny_features("fmnist_features"), stage="pretrain")
    config = model.get_config()
    assert config["content"] == "fmnist_features" and config["stage"] == "pretrain"
    clone = kerasgan.models.SRGAN.from_config(config)
    assert clone.get_config() == config
    assert clone.get_content_network() is None


def test_the_content_network_is_neither_tracked_nor_saved(tmp_path):
    model = tiny_srgan(content=FEATURES)
    model.compile(content_network=tiny_features())
    model.fit(pairs(), batch_size=8, epochs=1, verbose=0)
    assert len(model.weights) == len(tiny_srgan(content=FEATURES).weights)
    path = tmp_path / "sr.weights.h5"
    model.save_weights(path)
    with h5py.File(path) as stored:
        names = []
        stored.visit(names.append)
    assert not [n for n in names if "project" in n or "unsaved" in n or FEATURES in n]
    fresh = tiny_srgan(content=FEATURES)
    fresh.load_weights(path)
    low_res, _ = pairs(3)
    np.testing.assert_allclose(fresh.upscale(low_res), model.upscale(low_res), atol=1e-6)


SAVE_WITH_CONTENT_NETWORK = """
import sys, numpy as np
sys.path.insert(0, "tests")
from test_srgan import FEATURES, pairs, tiny_features, tiny_srgan
out = sys.argv[1]
model = tiny_srgan(content=FEATURES, seed=11)
model.compile(content_network=tiny_features())
model.save_to_preset(out)
np.save(out + "/upscaled.npy", model.upscale(pairs(3, seed=1)[0]))
"""


def test_saved_without_its_content_network_it_upscales_on_other_backends(tmp_path):
    for backend in other_backends():
        folder = tmp_path / backend
        subprocess.run([sys.executable, "-c", SAVE_WITH_CONTENT_NETWORK, str(folder)],
                       env=subprocess_env(backend), check=True, capture_output=True)
        loaded = zoo.load(str(folder))
        assert loaded.content == FEATURES and loaded.get_content_network() is None
        np.testing.assert_allclose(loaded.upscale(pairs(3, seed=1)[0]),
                                   np.load(folder / "upscaled.npy"), atol=1e-5,
                                   err_msg=f"saved on {backend}")
        # Training again needs the network; attached, it trains.
        loaded.compile()
        with pytest.raises(ValueError, match="attach it"):
            loaded.fit(pairs(), batch_size=8, verbose=0)
        loaded.set_content_network(tiny_features())
        loaded.fit(pairs(), batch_size=8, verbose=0)


# ------------------------------------------- options that depart from the paper
@pytest.mark.parametrize("factor, shape", [(4, (2, 5, 7, 3)), (2, (1, 3, 4, 1)),
                                           (4, (1, 1, 2, 1))])
def test_bicubic_upsample_is_matlabs_imresize(factor, shape):
    from kerasgan.utils import bicubic

    x = np.random.default_rng(1).uniform(-1, 1, shape).astype("float32")
    actual = _numpy(kerasgan.layers.BicubicUpsample(factor)(x))
    np.testing.assert_allclose(actual, bicubic.upscale(x, factor), atol=1e-5)


def test_the_bicubic_skip_starts_at_bicubic_and_learns_only_the_residual():
    from kerasgan.utils import bicubic

    g = kerasgan.models.SRResNetGenerator((4, 4, 3), scale=4, filters=4,
                                          residual_blocks=1, bicubic_skip=True,
                                          batch_norm=False)
    x = random_images(2, (6, 5, 3), seed=3)
    expected = np.clip(bicubic.upscale(x, 4), -1.0, 1.0)
    np.testing.assert_allclose(_numpy(g(x)), expected, atol=1e-5)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in g.layers)
    config = g.get_config()
    assert config["bicubic_skip"] is True and config["batch_norm"] is False
    assert kerasgan.models.SRResNetGenerator.from_config(config).get_config() == config


def test_srgan_options_round_trip_and_l1_pretrain_loss():
    model = tiny_srgan(stage="pretrain", g_bicubic_skip=True, g_batch_norm=False,
                       pixel_loss="l1")
    config = model.get_config()
    assert (config["g_bicubic_skip"], config["g_batch_norm"], config["pixel_loss"]) == (
        True, False, "l1")
    assert model.generator.get_config()["bicubic_skip"] is True
    assert type(model).from_config(config).get_config() == config
    low_res, high_res = (ops.convert_to_tensor(a) for a in pairs(4))
    loss, logs = model.pretrain_loss(low_res, high_res)
    expected = np.mean(np.abs(_numpy(model.generator(low_res, training=True))
                              - _numpy(high_res)))
    np.testing.assert_allclose(float(_numpy(loss)), expected, rtol=1e-5)
    assert set(logs) == {"l1"}


def test_bad_srresnet_options_are_refused():
    with pytest.raises(ValueError, match=r"pixel_loss must be one of \['l1', 'mse'\]"):
        tiny_srgan(pixel_loss="l2")
    with pytest.raises(ValueError, match="output_channels must be the input's 1"):
        kerasgan.models.SRResNetGenerator((4, 4, 1), scale=2, filters=4, residual_blocks=1,
                                          output_channels=3, bicubic_skip=True)


def test_cosine_decays_a_translators_learning_rate_over_the_run():
    from kerasgan.training import compile_translator

    model = compile_translator(tiny_srgan(stage="pretrain"), 10, g_lr=1e-3, cosine=True)
    rate = model.optimizer.get("g").get_config()["learning_rate"]
    assert isinstance(rate, dict) and rate["config"]["decay_steps"] == 10
