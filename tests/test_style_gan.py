"""StyleGAN2: its layers (equalized, modulated convolution, FIR resampling), the
path-length term, lazy phases, truncation and style mixing. The standard contract
(tests/test_variant_contract.py) runs too: phases, optimizer counts on JAX, config and
preset round trips, weights saved on the other backends → the same images to 1e-5."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from kerasgan import losses
from kerasgan.layers.fir_resample import Upsample2D

# 8×8: four style inputs, and a step that traces in seconds.
SMALL = dict(latent_dim=8, data_shape=(8, 8, 1), mapping_layers=2, g_filters=4,
             d_filters=4, max_filters=8, seed=4)
# Without the EMA copy where a test does not sample: half the variables to create.
BARE = {**SMALL, "ema_decay": None}
STEPS = 5


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


@pytest.fixture(scope="module")
def trained():
    """A model fitted for 5 steps with R1 every 2 steps and path length every 3."""
    keras.utils.set_random_seed(0)
    model = kerasgan.models.StyleGAN(r1_interval=2, pl_interval=3, **SMALL)
    model.compile()
    history = model.fit(random_images(8 * STEPS, (8, 8, 1)), batch_size=8, epochs=1,
                        verbose=0, shuffle=False)
    return model, history.history


# ------------------------------------------------------------------ layers
@pytest.mark.parametrize("demodulate, upsample", [(True, False), (False, False), (True, True)])
def test_modulated_conv_equals_convolving_each_example_with_its_own_weights(demodulate, upsample):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 6, 6, 5)).astype("float32")
    w = rng.standard_normal((3, 7)).astype("float32")
    layer = kerasgan.layers.ModulatedConv2D(4, 3, demodulate=demodulate, upsample=upsample)
    outputs = _numpy(layer([x, w]))
    styles = _numpy(layer.affine(w))
    kernel = _numpy(layer.kernel) / math.sqrt(9 * 5)
    if upsample:
        x = ops.convert_to_numpy(Upsample2D()(x))
    for b in range(3):
        weights = kernel * styles[b][None, None, :, None]  # W'_b[k, l, i, o]
        if demodulate:
            weights = weights / np.sqrt(np.sum(weights**2, axis=(0, 1, 2)) + 1e-8)
        expected = _numpy(ops.conv(x[b : b + 1], weights.astype("float32"), padding="same"))
        expected = expected + _numpy(layer.bias)
        np.testing.assert_allclose(outputs[b : b + 1], expected, rtol=1e-4, atol=1e-5)


def test_demodulation_keeps_unit_output_variance_whatever_the_styles():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 32, 32, 32)).astype("float32")
    # Large, uneven styles: 5 × N(0, 1) latents through the affine layer.
    w = 5.0 * rng.standard_normal((8, 16)).astype("float32")
    for demodulate in (True, False):
        layer = kerasgan.layers.ModulatedConv2D(16, 3, demodulate=demodulate, use_bias=False)
        inner = _numpy(layer([x, w]))[:, 1:-1, 1:-1]  # away from the zero padding
        variance = inner.var(axis=(1, 2))  # per example and output channel
        if demodulate:
            np.testing.assert_allclose(variance, 1.0, atol=0.25)
            assert abs(variance.mean() - 1.0) < 0.05
        else:
            assert abs(variance.mean() - 1.0) > 1.0  # the styles' scale passes through


@pytest.mark.parametrize("upsample", [False, True])
def test_adain_conv_normalizes_each_example_then_styles_then_convolves(upsample):
    rng = np.random.default_rng(3)
    x = (3.0 * rng.standard_normal((3, 6, 6, 5)) + 2.0).astype("float32")
    w = rng.standard_normal((3, 7)).astype("float32")
    layer = kerasgan.layers.AdaINConv2D(4, 3, upsample=upsample)
    outputs = _numpy(layer([x, w]))
    scale, shift = _numpy(layer.affine(w)), _numpy(layer.shift(w))
    kernel = (_numpy(layer.kernel) / math.sqrt(9 * 5)).astype("float32")
    for b in range(3):
        mean = x[b].mean(axis=(0, 1))
        std = np.sqrt(x[b].var(axis=(0, 1)) + 1e-8)
        styled = ((x[b] - mean) / std * scale[b] + shift[b]).astype("float32")[None]
        if upsample:
            styled = ops.convert_to_numpy(Upsample2D()(styled))
        expected = _numpy(ops.conv(styled, kernel, padding="same")) + _numpy(layer.bias)
        np.testing.assert_allclose(outputs[b : b + 1], expected, rtol=1e-4, atol=1e-4)


def test_adain_conv_forgets_the_inputs_own_channel_scale_and_offset():
    # AdaIN's point: a per-example, per-channel affine change of the input (its
    # "style") does not reach the output; only w's style does.
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 8, 8, 3)).astype("float32")
    w = rng.standard_normal((2, 5)).astype("float32")
    layer = kerasgan.layers.AdaINConv2D(4, 3)
    restyled = x * np.array([[[[0.5, 4.0, 2.0]]], [[[3.0, 0.2, 1.0]]]], "float32") + 7.0
    np.testing.assert_allclose(_numpy(layer([restyled, w])), _numpy(layer([x, w])),
                               rtol=1e-3, atol=1e-3)
    other_w = rng.standard_normal((2, 5)).astype("float32")
    assert np.abs(_numpy(layer([x, other_w])) - _numpy(layer([x, w]))).max() > 0.1


def test_equalized_layers_scale_their_weights_at_run_time():
    dense = kerasgan.layers.EqualizedDense(256, lr_multiplier=0.01, bias_initializer=1.0)
    x = np.random.default_rng(2).standard_normal((4, 64)).astype("float32")
    y = _numpy(dense(x))
    kernel, bias = _numpy(dense.kernel), _numpy(dense.bias)
    assert 90 < kernel.std() < 110  # stored as N(0, 1/lr_multiplier)
    np.testing.assert_allclose(y, x @ (kernel * 0.01 / 8.0) + 0.01 * bias, rtol=1e-4, atol=1e-5)
    conv = kerasgan.layers.EqualizedConv2D(8, 3, activation="lrelu")
    image = random_images(2, (6, 6, 4))
    outputs = _numpy(conv(image))
    expected = _numpy(ops.conv(image, ops.convert_to_tensor(
        (_numpy(conv.kernel) / math.sqrt(36)).astype("float32")), padding="same"))
    expected = np.where(expected > 0, expected, 0.2 * expected) * math.sqrt(2.0)
    np.testing.assert_allclose(outputs, expected, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="activation must be one of"):
        kerasgan.layers.EqualizedDense(4, activation="relu")


def test_fir_resampling_keeps_a_constant_image_constant_inside():
    constant = np.full((1, 8, 8, 2), 3.0, "float32")
    up = _numpy(kerasgan.layers.Upsample2D()(constant))
    down = _numpy(kerasgan.layers.Downsample2D()(constant))
    assert up.shape == (1, 16, 16, 2) and down.shape == (1, 4, 4, 2)
    np.testing.assert_allclose(up[:, 2:-2, 2:-2], 3.0, rtol=1e-6)
    np.testing.assert_allclose(down[:, 1:-1, 1:-1], 3.0, rtol=1e-6)


def _numpy_upfirdn(x, up, padding, stride, gain):
    """StyleGAN2's upfirdn2d with [1, 3, 3, 1] in plain loops: the reference."""
    if up:
        inserted = np.zeros((x.shape[0], 2 * x.shape[1], 2 * x.shape[2], x.shape[3]))
        inserted[:, ::2, ::2] = x
        x = inserted
    x = np.pad(x, ((0, 0), padding, padding, (0, 0)))
    taps = np.outer([1, 3, 3, 1], [1, 3, 3, 1]) / 64.0 * gain
    rows, columns = x.shape[1] - 3, x.shape[2] - 3
    out = np.zeros((x.shape[0], rows, columns, x.shape[3]))
    for i in range(rows):
        for j in range(columns):
            out[:, i, j] = np.einsum("bklc,kl->bc", x[:, i : i + 4, j : j + 4], taps)
    return out[:, ::stride, ::stride]


@pytest.mark.parametrize("as_slices", [False, True])
def test_fir_resampling_equals_upfirdn2d_as_a_convolution_and_as_slices(monkeypatch, as_slices):
    # Each backend runs one form (kerasgan.backend.FIXED_FILTER_AS_SLICES); both
    # must be StyleGAN2's filter, on every backend.
    monkeypatch.setattr(kerasgan.backend, "FIXED_FILTER_AS_SLICES", as_slices)
    x = np.random.default_rng(0).standard_normal((2, 6, 8, 3)).astype("float32")
    np.testing.assert_allclose(
        _numpy(kerasgan.layers.Upsample2D()(x)),
        _numpy_upfirdn(x, up=True, padding=(2, 1), stride=1, gain=4.0), atol=1e-5)
    np.testing.assert_allclose(
        _numpy(kerasgan.layers.Downsample2D()(x)),
        _numpy_upfirdn(x, up=False, padding=(1, 1), stride=2, gain=1.0), atol=1e-5)


def test_noise_is_random_in_training_and_the_stored_constant_otherwise():
    layer = kerasgan.layers.NoiseInjection(seed=3)
    x = np.zeros((2, 4, 4, 3), "float32")
    layer(x)
    layer.strength.assign(0.5)
    inference = _numpy(layer(x))
    np.testing.assert_allclose(inference, np.broadcast_to(
        0.5 * _numpy(layer.noise_const)[None, :, :, None], x.shape), rtol=1e-6)
    first, second = _numpy(layer(x, training=True)), _numpy(layer(x, training=True))
    assert not np.allclose(first, second) and not np.allclose(first, inference)
    np.testing.assert_allclose(first, first[..., :1].repeat(3, axis=-1))  # one per pixel


# --------------------------------------------------------------- networks
def test_networks_follow_the_resolution_and_refuse_other_sizes(trained):
    model = kerasgan.models.StyleGAN(**{**BARE, "data_shape": (16, 16, 3)})
    assert model.num_ws == 6  # 2·log2(16) - 2
    assert tuple(model.generator.output_shape) == (None, 16, 16, 3)
    assert tuple(model.discriminator.output_shape) == (None, 1)
    for shape in ((28, 28, 1), (32, 16, 1), (2,)):
        with pytest.raises(ValueError, match="height, width, channels|power-of-two"):
            kerasgan.models.StyleGAN(**{**SMALL, "data_shape": shape})
    with pytest.raises(ValueError, match="style_mixing is a probability"):
        kerasgan.models.StyleGAN(**{**SMALL, "style_mixing": 1.5})
    small, _ = trained
    # A batch of 6 (a last batch of 2 is one group: tests/test_minibatch_stddev.py).
    with pytest.raises(ValueError, match="groups of group_size=4 examples; a batch of 6"):
        small.fit(random_images(12, (8, 8, 1)), batch_size=6)
    with pytest.raises(ValueError, match="truncation_cutoff must be"):
        small.generate(2, seed=0, truncation_cutoff=small.num_ws + 1)


def test_the_residual_generator_is_figure_7c():
    # "resnet": block 2 is √.5·convs(x) + √.5·conv1×1(up(x)); one toRGB, on the
    # last style input, as the skip generator's last toRGB.
    g = kerasgan.models.StyleGANGenerator(8, (8, 8, 1), filters=4, max_filters=8,
                                          mapping_layers=1, architecture="resnet")
    assert len(g.to_rgbs) == 1 and len(g.skips) == 1 and g.num_ws == 4
    ws = np.random.default_rng(0).standard_normal((2, 4, 8)).astype("float32")
    for variable in g.skips[0].trainable_variables:  # not zero, not one: it must count
        variable.assign(np.random.default_rng(1).standard_normal(variable.shape))

    def layer(i, x):
        return g.activations[i](g.noises[i](g.convs[i]([x, ws[:, i]]), training=False))

    x0 = layer(0, np.tile(_numpy(g.const)[None], (2, 1, 1, 1)))
    x2 = layer(2, layer(1, x0))
    skip = g.skips[0](kerasgan.layers.Upsample2D()(x0))
    expected = g.to_rgbs[0]([_numpy(x2) * math.sqrt(0.5) + _numpy(skip), ws[:, 3]])
    np.testing.assert_allclose(_numpy(g.synthesis(ws)), _numpy(expected), atol=1e-5)
    skipped = kerasgan.models.StyleGANGenerator(8, (8, 8, 1), filters=4, max_filters=8,
                                                mapping_layers=1)
    assert len(skipped.to_rgbs) == 2 and not skipped.skips
    with pytest.raises(ValueError, match="architecture must be one of"):
        kerasgan.models.StyleGANGenerator(8, (8, 8, 1), architecture="orig")


def test_a_residual_generator_trains_and_round_trips():
    model = kerasgan.models.StyleGAN(**{**SMALL, "g_architecture": "resnet"})
    model.compile()
    model.fit(random_images(16, (8, 8, 1)), batch_size=8, epochs=1, verbose=0)
    clone = kerasgan.models.StyleGAN.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert clone.generator.architecture == "resnet"
    clone.generator.set_weights(model.generator.get_weights())
    ws = np.random.default_rng(0).standard_normal((2, model.num_ws, 8)).astype("float32")
    np.testing.assert_allclose(_numpy(clone.generator.synthesis(ws)),
                               _numpy(model.generator.synthesis(ws)), atol=1e-6)


def test_an_adain_generator_has_adain_synthesis_convolutions_trains_and_round_trips():
    model = kerasgan.models.StyleGAN(**{**SMALL, "g_normalization": "adain"})
    generator = model.generator
    assert all(type(conv) is kerasgan.layers.AdaINConv2D for conv in generator.convs)
    assert all(type(rgb) is kerasgan.layers.ModulatedConv2D for rgb in generator.to_rgbs)
    before = [_numpy(v) for v in generator.convs[1].shift.trainable_variables]
    model.compile()
    model.fit(random_images(16, (8, 8, 1)), batch_size=8, epochs=1, verbose=0)
    after = [_numpy(v) for v in generator.convs[1].shift.trainable_variables]
    assert any(np.abs(a - b).max() > 0 for a, b in zip(after, before))  # G's step moves them
    clone = kerasgan.models.StyleGAN.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert clone.generator.normalization == "adain"
    clone.generator.set_weights(generator.get_weights())
    ws = np.random.default_rng(0).standard_normal((2, model.num_ws, 8)).astype("float32")
    np.testing.assert_allclose(_numpy(clone.generator.synthesis(ws)),
                               _numpy(generator.synthesis(ws)), atol=1e-6)
    with pytest.raises(ValueError, match="normalization must be one of"):
        kerasgan.models.StyleGAN(**{**SMALL, "g_normalization": "instance"})


def test_path_length_equals_its_definition_by_finite_differences():
    model = kerasgan.models.StyleGAN(**BARE)
    generator = model.generator
    for noise in generator.noises:  # noise in the path, as after training
        noise.strength.assign(0.3)
    rng = np.random.default_rng(5)
    ws = rng.standard_normal((2, model.num_ws, 8)).astype("float32")
    penalty = losses.PathLengthPenalty(2.0, decay=0.5, batch_shrink=1)
    penalty.build()
    synthesis = lambda w: generator.synthesis(w, training=False)  # noqa: E731
    value = _numpy(penalty(synthesis, ws, keras.random.SeedGenerator(9)))
    y = _numpy(penalty.noise((2, 8, 8, 1), keras.random.SeedGenerator(9)))
    # Jᵀy by central differences: each coordinate of ws moved by ±ε, one batch each.
    eps, size = 1e-3, model.num_ws * 8
    lengths = []
    for b in range(2):
        steps = np.eye(size, dtype="float32").reshape(size, model.num_ws, 8) * eps
        batch = np.concatenate([ws[b] + steps, ws[b] - steps])
        projected = np.sum(_numpy(synthesis(batch)) * y[b], axis=(1, 2, 3))
        gradient = ((projected[:size] - projected[size:]) / (2 * eps)).reshape(model.num_ws, 8)
        lengths.append(np.sqrt(np.mean(np.sum(gradient**2, axis=1))))
    lengths = np.array(lengths)
    mean = 0.5 * np.mean(lengths)  # running mean: 0 + decay · (mean - 0)
    np.testing.assert_allclose(_numpy(penalty.running_mean), mean, rtol=1e-2)
    np.testing.assert_allclose(value, 2.0 * np.mean((lengths - mean) ** 2), rtol=2e-2)


# ----------------------------------------------------------------- training
def test_lazy_phases_run_exactly_on_their_steps(trained):
    model, history = trained
    # Steps 0..4: R1 on 0, 2, 4; path length on 0, 3 (each with its network's
    # optimizer), on JAX too (the counts are carried through the jitted state).
    assert int(model.optimizer.get("d").iterations) == STEPS + 3
    assert int(model.optimizer.get("g").iterations) == STEPS + 2
    assert int(model.optimizer.iterations) == STEPS
    assert {"d_loss", "g_loss", "r1", "path_length"} <= set(history)


def test_non_trainable_state_survives_the_step(trained):
    model, _ = trained
    # w_avg (updated in the G phase) and the path-length mean (in its lazy phase)
    # moved from 0: non-trainable updates thread through JAX's jitted state.
    assert np.abs(_numpy(model.generator.w_avg)).sum() > 0
    assert np.abs(_numpy(model.ema_generator.w_avg)).sum() > 0
    (pl_mean,) = model.regularizers[1].regularizer.variables
    assert float(_numpy(pl_mean)) > 0


def test_default_optimizers_are_corrected_for_lazy_regularization():
    model = kerasgan.models.StyleGAN(**BARE)
    model.compile()
    for key, interval in (("g", 4), ("d", 16)):
        optimizer = model.optimizer.get(key)
        c = interval / (interval + 1)
        np.testing.assert_allclose(float(_numpy(optimizer.learning_rate)), 0.0025 * c, rtol=1e-6)
        assert optimizer.beta_1 == 0.0
        np.testing.assert_allclose(optimizer.beta_2, 0.99**c, rtol=1e-9)
    phases = {p.name: p for p in model.phases()}
    assert phases["d_r1"].interval == 16 and phases["d_r1"].loss_scale == 16
    assert phases["g_path_length"].interval == 4 and phases["g_path_length"].loss_scale == 4


# ----------------------------------------------------------------- sampling
def test_truncation_psi_zero_gives_the_mean_image_for_every_seed(trained):
    model, _ = trained
    network = model.sampling_generator
    w_avg = np.repeat(_numpy(network.w_avg)[None], 3, axis=0).astype("float32")
    mean_image = model.synthesize(network.broadcast(ops.convert_to_tensor(w_avg)))
    for seed in (0, 1):
        images = model.generate(3, seed=seed, truncation_psi=0.0)
        np.testing.assert_allclose(images, mean_image, atol=1e-5)
    free = model.generate(3, seed=0)
    assert not np.allclose(free[0], free[1])
    np.testing.assert_allclose(model.generate(3, seed=0), free)  # deterministic


def test_style_mix_uses_a_before_the_crossover_and_b_after(trained):
    model, _ = trained
    network = model.sampling_generator

    def ws_of(seed):
        return _numpy(network.broadcast(network.mapping(model.latents_for(1, seed))))

    ws_a, ws_b = ws_of(1), ws_of(2)
    for crossover in range(model.num_ws + 1):
        ws = np.concatenate([ws_a[:, :crossover], ws_b[:, crossover:]], axis=1)
        expected = model.synthesize(ops.convert_to_tensor(ws.astype("float32")))
        mix = model.style_mix(seed_a=1, seed_b=2, crossover=crossover)
        np.testing.assert_allclose(mix, expected, atol=1e-5)
    np.testing.assert_allclose(model.style_mix(1, 2, crossover=model.num_ws),
                               model.generate(1, seed=1), atol=1e-5)
    np.testing.assert_allclose(model.style_mix(1, 2, crossover=0),
                               model.generate(1, seed=2), atol=1e-5)
    assert model.style_mix([1, 3], [2, 4], crossover=2).shape == (2, 8, 8, 1)
    with pytest.raises(ValueError, match="crossover must be an int"):
        model.style_mix(1, 2, crossover=model.num_ws + 1)


def test_style_mixing_regularization_mixes_two_latents_per_batch():
    model = kerasgan.models.StyleGAN(**{**BARE, "style_mixing": 1.0})
    ws = _numpy(model.training_ws(4))
    # Always mixed: the style inputs split at a crossover in [1, num_ws).
    same_as_first = np.all(np.isclose(ws, ws[:, :1]), axis=(0, 2))
    crossover = int(np.argmin(same_as_first))
    assert 1 <= crossover < model.num_ws and same_as_first[:crossover].all()
    assert not same_as_first[crossover:].any()
    unmixed = kerasgan.models.StyleGAN(**{**BARE, "style_mixing": 0.0})
    ws = _numpy(unmixed.training_ws(4))
    np.testing.assert_allclose(ws, np.repeat(ws[:, :1], unmixed.num_ws, axis=1))


@pytest.mark.parametrize("layer", [
    kerasgan.layers.EqualizedDense(3, lr_multiplier=0.5, bias_initializer=1.0, activation="lrelu"),
    kerasgan.layers.EqualizedConv2D(3, 1, use_bias=False, gain=0.5, activation_gain=2.0),
    kerasgan.layers.ScaledLeakyReLU(0.1, 1.5),
    kerasgan.layers.ModulatedConv2D(3, 1, demodulate=False, upsample=True, epsilon=1e-6),
    kerasgan.layers.AdaINConv2D(3, 1, upsample=True, use_bias=False, epsilon=1e-6),
    kerasgan.layers.NoiseInjection(seed=2),
    kerasgan.layers.PixelNormalization(1e-6),
    kerasgan.layers.Upsample2D(),
    kerasgan.layers.Downsample2D(),
], ids=lambda layer: type(layer).__name__)
def test_layer_configs_round_trip_exactly(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_a_saved_compiled_model_loads_with_its_regularizers_and_options(tmp_path):
    model = kerasgan.models.StyleGAN(**{**SMALL, "r1_interval": 8})
    model.compile(augment="translation")
    model.generator.w_avg.assign(np.full((8,), 0.5, "float32"))
    model.save(tmp_path / "sg.keras")
    loaded = keras.saving.load_model(tmp_path / "sg.keras")
    assert loaded.get_config() == model.get_config()
    assert [(p.name, p.interval) for p in loaded.phases()] == [
        ("discriminator", 1), ("generator", 1), ("d_r1", 8), ("g_path_length", 4)]
    assert loaded.get_compile_config()["augment"] == "translation"
    np.testing.assert_allclose(loaded.generate(2, seed=0, truncation_psi=0.5),
                               model.generate(2, seed=0, truncation_psi=0.5), atol=1e-6)


def test_a_compiled_model_with_a_path_length_mean_saves_as_a_preset(trained, tmp_path):
    model, _ = trained  # compiled: the path-length running mean is a model variable
    model.save_to_preset(tmp_path / "preset")
    loaded = kerasgan.zoo.load(str(tmp_path / "preset"))
    np.testing.assert_allclose(loaded.generate(2, seed=0, truncation_psi=0.5),
                               model.generate(2, seed=0, truncation_psi=0.5), atol=1e-6)


class BlankAugment(kerasgan.layers.DiffAugment):
    """An augmentation that turns every image into zeros: a D that sees only its output
    cannot tell real from fake, and G gets nothing through it."""

    def __call__(self, images, seed):
        return ops.zeros_like(images)


@pytest.mark.parametrize("augment", [None, BlankAugment("color")], ids=["none", "blank"])
def test_both_phases_show_d_the_augmented_images(augment):
    model = kerasgan.models.StyleGAN(**BARE)
    model.compile(augment=augment)
    real = random_images(4, shape=BARE["data_shape"])
    _, logs = model.discriminator_loss(real, None)
    d_real, d_fake = (float(ops.convert_to_numpy(logs[k])) for k in ("d_real", "d_fake"))
    g_loss, _ = model.generator_loss(real, None)
    on_zeros = model.adversarial_loss.generator_loss(
        model.discriminator(ops.zeros_like(real), training=True))
    blanked = np.isclose(float(ops.convert_to_numpy(g_loss)),
                         float(ops.convert_to_numpy(on_zeros)), atol=1e-6)
    if augment is None:  # D tells the two apart, G's loss is that of its own fakes
        assert abs(d_real - d_fake) > 1e-6 and not blanked
    else:  # both phases went through the augmentation
        assert d_real == pytest.approx(d_fake, abs=1e-6) and blanked
