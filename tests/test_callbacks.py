"""fit() callbacks: sample grids, latent walks, loss plots, EMA, mode collapse, NaN."""

import csv
import types

import keras
import numpy as np
import pytest
from PIL import Image

import kerasgan
from conftest import adam_pair, random_images, tiny_dcgan, to_numpy
from kerasgan.callbacks.interpolation import interpolate
from kerasgan.callbacks.mode_collapse import class_diversity, diversity
from kerasgan.utils.labels import fixed_labels
from kerasgan.utils.images import image_grid


def _fit(gan, callbacks, epochs=2, n=8, **kwargs):
    return gan.fit(
        random_images(n),
        batch_size=8,
        epochs=epochs,
        verbose=0,
        callbacks=callbacks,
        **kwargs,
    )


def _points_gan(**kwargs):
    return kerasgan.models.VanillaGAN(
        latent_dim=2,
        data_shape=(2,),
        hidden_units=(8,),
        output_activation="linear",
        **kwargs,
    )


class _Recorder(keras.callbacks.Callback):
    """Keeps G's trainable weights before training and after each epoch, and the EMA."""

    def on_train_begin(self, logs=None):
        self.weights = [to_numpy(self.model.generator.trainable_weights)]

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(to_numpy(self.model.generator.trainable_weights))
        pairs = zip(self.model.generator.weights, self.model.ema_generator.weights)
        self.ema = [to_numpy([a])[0] for w, a in pairs if w.trainable]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One 2-epoch fit (1 step each) of a tiny DCGAN with the image callbacks."""
    out = tmp_path_factory.mktemp("run")
    keras.utils.set_random_seed(0)
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    records = _Recorder()
    history = _fit(
        gan,
        [
            kerasgan.callbacks.GeneratorEMA(decay=0.9),
            kerasgan.callbacks.SampleGrid(out / "samples", n=4, seed=3, scale=1),
            kerasgan.callbacks.LatentInterpolation(
                out / "interp", every=5, seeds=(0, 1, 2), steps=4
            ),
            kerasgan.callbacks.LossPlot(out / "losses.png"),
            records,
        ],
    )
    return gan, out, history, records


def test_sample_grid_writes_fixed_latent_grids_from_the_ema_generator(trained):
    gan, out, _, _ = trained
    assert [p.name for p in sorted((out / "samples").iterdir())] == [
        "epoch_001.png",
        "epoch_002.png",
    ]
    last = np.array(Image.open(out / "samples" / "epoch_002.png"))
    np.testing.assert_allclose(last, image_grid(gan.generate(4, seed=3))[..., 0], atol=1)
    # generate() (so the grid) samples the EMA generator, not the raw one.
    raw = to_numpy([gan.generator(gan.latents_for(4, seed=3), training=False)])[0]
    assert np.abs(gan.generate(4, seed=3) - raw).max() > 1e-6


def test_sample_grid_writes_to_the_tensorboard_of_the_same_fit(tmp_path):
    # Keras's TensorBoard callback needs the tensorboard package (not a kerasgan
    # dependency); tf.summary.image does too.
    pytest.importorskip("tensorboard")
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    grid = kerasgan.callbacks.SampleGrid(tmp_path / "samples", n=4)
    _fit(gan, [grid, keras.callbacks.TensorBoard(str(tmp_path / "tb"))], epochs=1)
    events = list((tmp_path / "tb" / "samples").glob("events.out.tfevents.*"))
    assert events and b"samples" in events[0].read_bytes()


def test_sample_grid_draws_points_as_a_scatter_plot(tmp_path):
    gan = _points_gan(seed=0)
    gan.compile(**adam_pair())
    grid = kerasgan.callbacks.SampleGrid(tmp_path, every=2, n=16)
    gan.fit(
        np.zeros((8, 2), "float32"), batch_size=8, epochs=3, verbose=0, callbacks=[grid]
    )
    # every=2 writes after epoch 2 and, for the last epoch, after epoch 3.
    assert [p.name for p in grid.written] == ["epoch_002.png", "epoch_003.png"]
    assert Image.open(grid.written[0]).size[0] > 100


def test_conditional_models_get_fixed_labels_cycling_through_classes():
    assert fixed_labels(types.SimpleNamespace(num_classes=3), 5).tolist() == [
        0,
        1,
        2,
        0,
        1,
    ]
    assert fixed_labels(types.SimpleNamespace(), 5) is None


def test_interpolate_paths():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(16), rng.standard_normal(16)
    for method in ("linear", "spherical"):
        path = interpolate(a, b, 5, method)
        assert path.shape == (5, 16)
        np.testing.assert_allclose(path[0], a, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(path[-1], b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(interpolate(a, b, 3, "linear")[1], (a + b) / 2, atol=1e-6)
    # Slerp between orthogonal unit vectors stays on the unit circle.
    x, y = np.eye(2)
    norms = np.linalg.norm(interpolate(x, y, 7, "spherical"), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-6)
    with pytest.raises(ValueError, match="method"):
        interpolate(a, b, 5, "cubic")


def test_latent_interpolation_writes_a_strip_and_a_gif(trained):
    _, out, _, _ = trained
    # every=5 with 2 epochs: written once, after the last epoch.
    names = sorted(p.name for p in (out / "interp").iterdir())
    assert names == ["epoch_002.gif", "epoch_002.png"]
    gif = Image.open(out / "interp" / "epoch_002.gif")
    assert gif.n_frames == 3 * (4 - 1)  # a loop through 3 seeds, 4 steps per path
    strip = Image.open(out / "interp" / "epoch_002.png")
    assert strip.size == (2 * (4 * 30 + 2), 2 * (2 * 30 + 2))  # 2 rows of 4, scale 2


def test_loss_plot_writes_csv_and_png_and_keeps_rows_on_resume(trained):
    gan, out, history, _ = trained
    rows = list(csv.DictReader(open(out / "losses.csv")))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    np.testing.assert_allclose(
        [float(r["g_loss"]) for r in rows], history.history["g_loss"], rtol=1e-6
    )
    assert Image.open(out / "losses.png").size[0] > 300
    # A resumed run (initial_epoch=1) keeps epoch 1 and replaces epoch 2.
    plot = kerasgan.callbacks.LossPlot(out / "resumed.png", csv_path=out / "losses.csv")
    resumed = _fit(gan, [plot], epochs=3, initial_epoch=1)
    rows = list(csv.DictReader(open(out / "losses.csv")))
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]
    assert float(rows[0]["g_loss"]) == pytest.approx(history.history["g_loss"][0])
    assert float(rows[1]["g_loss"]) == pytest.approx(resumed.history["g_loss"][0])


def test_generator_ema_is_updated_in_the_train_step_and_saved(trained, tmp_path):
    gan, _, _, records = trained
    assert gan.ema_decay == 0.9 and gan.sampling_generator is gan.ema_generator
    w0, w1, w2 = records.weights
    # EMA_t = d_t·EMA_{t-1} + (1 - d_t)·W_t with d_t = min(0.9, (1 + t)/(10 + t)) and
    # EMA_0 = W0: steps t = 0, 1 give d = 0.1, 2/11.
    expected = [
        (2 / 11) * (0.1 * a + 0.9 * b) + (9 / 11) * c for a, b, c in zip(w0, w1, w2)
    ]
    # records.ema is the EMA after the fixture's 2 steps (other tests train on).
    assert len(records.ema) == len(expected) > 0
    for got, want in zip(records.ema, expected):
        np.testing.assert_allclose(got, want, atol=1e-6)
    assert not np.allclose(records.ema[0], w2[0])
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.ema_decay == 0.9
    for a, b in zip(
        to_numpy(loaded.ema_generator.weights), to_numpy(gan.ema_generator.weights)
    ):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(
        loaded.generate(2, seed=0), gan.generate(2, seed=0), atol=1e-6
    )


def test_mode_collapse_alarm_logs_diversity_and_warns(tmp_path):
    assert diversity(np.ones((5, 3))) == 0.0
    assert diversity(np.array([[0.0, 0.0], [3.0, 4.0]])) == pytest.approx(5.0)
    real = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    reference = kerasgan.callbacks.ModeCollapseAlarm(n=32, real_samples=real)
    assert reference.real_diversity == pytest.approx(diversity(real[:32]))
    gan = _points_gan(seed=0)
    gan.compile(**adam_pair(g_lr=0.0, d_lr=0.0))
    # Without real samples the reference is the peak measured so far.
    alarm = kerasgan.callbacks.ModeCollapseAlarm(n=32)
    history = gan.fit(real, batch_size=32, epochs=2, verbose=0, callbacks=[alarm])
    assert history.history["diversity"] == [pytest.approx(alarm.peak)] * 2
    assert alarm.value > 0 and not alarm.collapsed
    # A generator mapping every latent to one point has collapsed.
    for variable in gan.generator.trainable_weights:
        variable.assign(np.zeros(variable.shape, "float32"))
    with pytest.warns(UserWarning, match="mode collapse"):
        gan.fit(real, batch_size=32, epochs=1, verbose=0, callbacks=[alarm])
    assert alarm.collapsed and alarm.value == 0.0


def test_conditional_diversity_is_measured_within_classes():
    # Each class collapsed onto one point, the classes far apart: diverse overall,
    # collapsed within every class.
    labels = np.arange(40) % 4
    samples = (10.0 * labels[:, None] * np.ones((1, 3))).astype("float32")
    assert diversity(samples) > 10 and class_diversity(samples, labels) == 0.0
    gan = kerasgan.models.ConditionalGAN(
        num_classes=4, latent_dim=4, data_shape=(2,), hidden_units=(8,), seed=0
    )
    alarm = kerasgan.callbacks.ModeCollapseAlarm(n=40)
    alarm.set_model(gan)
    assert alarm.measure(1) == pytest.approx(
        class_diversity(gan.generate(40, seed=0, labels=labels), labels)
    )
    unlabelled = kerasgan.callbacks.ModeCollapseAlarm(n=40, real_samples=samples)
    unlabelled.set_model(gan)
    with pytest.raises(ValueError, match="real_labels"):
        unlabelled.measure(1)


class _PoisonAtEpoch(keras.callbacks.Callback):
    """Turns D's output kernel into NaN at the start of `epoch`.

    (A NaN generator kernel may not reach the losses: on TensorFlow, D's activations
    can map NaN inputs to finite values.)
    """

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch
        self.weights_before = None

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            self.weights_before = to_numpy(self.model.weights)
            kernel = self.model.discriminator.trainable_weights[-2]
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))


def test_nan_guard_stops_and_keeps_the_last_good_weights(tmp_path):
    gan = _points_gan(seed=0)
    gan.compile(**adam_pair())
    path = tmp_path / "last_good.weights.h5"
    poison = _PoisonAtEpoch(1)
    guard = kerasgan.callbacks.NonFiniteLossGuard(path)
    points = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    with pytest.raises(FloatingPointError, match="after epoch 1.*last_good.weights.h5"):
        gan.fit(points, batch_size=8, epochs=3, verbose=0, callbacks=[guard, poison])
    assert guard.last_good_epoch == 1
    restored = _points_gan()
    restored.compile(**adam_pair())
    restored.load_weights(path)
    for a, b in zip(poison.weights_before, to_numpy(restored.weights)):
        np.testing.assert_allclose(a, b)


# ---------------------------------------------------------------- task protocols
class _Translator(kerasgan.AdversarialModel, kerasgan.engine.DataToData):
    """A data-to-data model: one Conv2D maps 8×8 images to 8×8 images (L1 to target)."""

    def __init__(self, shape=(8, 8, 1), **kwargs):
        self.shape = tuple(shape)
        generator = keras.Sequential(
            [keras.Input(self.shape),
             keras.layers.Conv2D(self.shape[-1], 3, padding="same", activation="tanh")],
            name="generator",
        )
        super().__init__({"generator": generator}, **kwargs)

    def data_spec(self):
        return (
            kerasgan.engine.DataSpec("source", self.shape),
            kerasgan.engine.DataSpec("target", self.shape),
        )

    def default_optimizers(self):
        return {"g": keras.optimizers.Adam(1e-2)}

    def phases(self):
        return [kerasgan.Phase("l1", self.l1_loss, "generator", "g", logs=("l1",))]

    def l1_loss(self, source, target):
        output = self.generator(source, training=True)
        loss = keras.ops.mean(keras.ops.abs(output - target))
        return loss, {"l1": loss}

    def translate(self, x, batch_size=256):
        network = self.ema_generator if self.ema_decay is not None else self.generator
        outputs = [
            to_numpy([network(x[i : i + batch_size], training=False)])[0]
            for i in range(0, len(x), batch_size)
        ]
        return np.concatenate(outputs).astype("float32")


class _TranslatorWithSamples(_Translator):
    """Keeps example inputs: `sample_inputs(n, seed)`."""

    def sample_inputs(self, n, seed=None):
        return random_images(n, self.shape, seed=seed)


def _pairs(n=16, seed=0):
    source = random_images(n, (8, 8, 1), seed=seed)
    return source, np.flip(source, axis=2).copy()  # target: mirrored


def _fit_translator(model, callbacks, epochs=2):
    source, target = _pairs()
    model.compile()
    return model.fit(
        source, target, batch_size=8, epochs=epochs, verbose=0, shuffle=False,
        callbacks=callbacks,
    )


def _cell(grid, row, column, size=8, padding=2):
    top, left = padding + row * (size + padding), padding + column * (size + padding)
    return grid[top : top + size, left : left + size]


def test_sample_grid_draws_input_output_target_rows_for_a_data_to_data_model(tmp_path):
    model = _Translator(seed=0)
    source, target = _pairs(4, seed=3)
    grid = kerasgan.callbacks.SampleGrid(
        tmp_path, inputs=source, targets=target, scale=1, pairs_per_row=1
    )
    _fit_translator(model, [grid])
    assert [p.name for p in grid.written] == ["epoch_001.png", "epoch_002.png"]
    image = np.array(Image.open(tmp_path / "epoch_002.png"))
    assert image.shape == (4 * 10 + 2, 3 * 10 + 2)  # 4 rows: input | output | target
    outputs = model.translate(source)
    for row in range(4):
        for column, images in enumerate((source, outputs, target)):
            expected = kerasgan.utils.images.to_uint8(images[row])[..., 0]
            np.testing.assert_allclose(_cell(image, row, column), expected, atol=1)
    # The outputs are the trained model's, not the inputs copied.
    assert np.abs(outputs - source).max() > 1e-3


def test_sample_grid_takes_fixed_inputs_from_sample_inputs(tmp_path):
    model = _TranslatorWithSamples(seed=0)
    grid = kerasgan.callbacks.SampleGrid(tmp_path, n=6, seed=5, scale=1)
    _fit_translator(model, [grid], epochs=1)
    image = np.array(Image.open(grid.written[-1]))
    # 6 pairs, 2 per row (near-square): 3 rows of input | output | input | output.
    assert image.shape == (3 * 10 + 2, 4 * 10 + 2)
    inputs = model.sample_inputs(6, seed=5)
    np.testing.assert_array_equal(grid.pair_inputs(), inputs)
    expected = kerasgan.utils.images.to_uint8(inputs[3])[..., 0]
    np.testing.assert_allclose(_cell(image, 1, 2), expected, atol=1)


def test_pair_grid_draws_small_gray_inputs_at_the_size_of_color_outputs():
    from kerasgan.callbacks.sample_grid import pair_grid

    inputs = random_images(2, (4, 4, 1), seed=1)
    outputs = random_images(2, (8, 8, 3), seed=2)
    grid = pair_grid([inputs, outputs], pairs_per_row=1)
    assert grid.shape == (2 * 10 + 2, 2 * 10 + 2, 3)
    enlarged = np.repeat(np.repeat(inputs[1], 2, axis=0), 2, axis=1)
    expected = kerasgan.utils.images.to_uint8(np.repeat(enlarged, 3, axis=-1))
    np.testing.assert_array_equal(_cell(grid, 1, 0), expected)
    np.testing.assert_array_equal(
        _cell(grid, 0, 1), kerasgan.utils.images.to_uint8(outputs[0])
    )


def test_callbacks_that_cannot_serve_a_model_say_so_before_training(tmp_path):
    from kerasgan.metrics.features import image_batches

    model = _Translator(seed=0)
    model.compile()
    before = to_numpy(model.weights)
    refused = {
        "latent space": kerasgan.callbacks.LatentInterpolation(tmp_path / "walk"),
        "LatentToData": kerasgan.callbacks.ModeCollapseAlarm(),
        "translate": kerasgan.callbacks.Metrics("fid", dataset=random_images(4)),
        "inputs=x": kerasgan.callbacks.SampleGrid(tmp_path / "grid"),
    }
    for message, callback in refused.items():
        with pytest.raises(TypeError, match=message):
            _fit_translator(model, [callback])
    with pytest.raises(TypeError, match="translate"):
        next(image_batches(model, batch_size=4, num_samples=4))
    # Nothing trained, and the model is intact (on JAX too).
    for a, b in zip(before, to_numpy(model.weights)):
        np.testing.assert_array_equal(a, b)
    assert model.translate(_pairs(2)[0]).shape == (2, 8, 8, 1)
    # inputs= belongs to data-to-data models.
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    with pytest.raises(TypeError, match="inputs=.*DataToData"):
        _fit(gan, [kerasgan.callbacks.SampleGrid(tmp_path, inputs=random_images(2))])


def test_generator_ema_averages_the_networks_of_any_adversarial_model():
    model = _Translator(seed=0)
    _fit_translator(model, [kerasgan.callbacks.GeneratorEMA(decay=0.9)], epochs=1)
    assert model.ema_network_names == ("generator",)
    raw = to_numpy(model.generator.weights)
    average = to_numpy(model.ema_generator.weights)
    assert len(raw) == len(average) == 2 and not np.allclose(raw[0], average[0])
    with pytest.raises(ValueError, match="no network named 'g_ab'.*\\['generator'\\]"):
        _fit_translator(
            _Translator(seed=0), [kerasgan.callbacks.GeneratorEMA(networks="g_ab")]
        )
