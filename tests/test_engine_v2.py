"""Engine v2: named networks and optimizers, declared data and logs, phases with
intervals and fresh batches, Keras's learning-rate callbacks, checks before fit."""

import warnings

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from kerasgan import engine
from kerasgan.testing import TwoDomainGAN

from conftest import adam_pair, random_images, tiny_dcgan, to_numpy

BACKEND = keras.backend.backend()
COMPILED = BACKEND in ("jax", "tensorflow")


def _domains(n=64, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, 4)).astype("float32")
    return a, (rng.normal(size=(n, 4)) + 2.0).astype("float32")


# ------------------------------------------------------------ several networks
def test_two_generators_two_discriminators_three_optimizers_and_a_lazy_phase():
    model = TwoDomainGAN(seed=0)
    model.compile()
    before = {n: to_numpy(net.trainable_variables) for n, net in model.networks.items()}
    steps = 8
    history = model.fit(_domains(steps * 8), batch_size=8, epochs=1, verbose=0)
    for name, network in model.networks.items():
        after = to_numpy(network.trainable_variables)
        assert all(not np.allclose(x, y) for x, y in zip(before[name], after)), name
    # Every optimizer's state survived fit() (on JAX only model.optimizer.variables
    # are carried): g and d_b step once per step; d_a also at steps 0 and 4 (r1).
    iterations = {k: int(model.optimizer.get(k).iterations) for k in ("g", "d_a", "d_b")}
    assert iterations == {"g": steps, "d_a": steps + 2, "d_b": steps}
    assert int(model.optimizer.iterations) == steps
    for key in ("g", "d_a", "d_b"):
        part = model.optimizer.get(key)
        moments = [v for v in part.variables if "momentum" in v.path]
        assert moments and all(np.abs(m).sum() > 0 for m in to_numpy(moments))
    assert set(history.history) == {"g_loss", "cycle_loss", "d_a_loss", "d_b_loss", "r1"}
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_every_optimizer_state_is_in_the_composite_optimizer():
    model = TwoDomainGAN(seed=0)
    model.compile()
    composite = {id(v) for v in model.optimizer.variables}
    for part in model.optimizer.optimizers:
        assert part.variables and all(id(v) in composite for v in part.variables)
    # Each optimizer was built over the variables of the phases that use it: "g" over
    # both generators, "d_a" over d_a (two phases, listed once).
    g_vars = model.g_ab.trainable_variables + model.g_ba.trainable_variables
    assert len(model.optimizer.get("g")._trainable_variables) == len(g_vars)
    assert len(model.optimizer.get("d_a")._trainable_variables) == len(
        model.d_a.trainable_variables
    )


def test_a_phase_must_train_all_of_its_optimizers_variables():
    model = TwoDomainGAN(seed=0)
    model.compile()
    # "g" was built over both generators: a phase updating only one would make its
    # Adam state disagree with its variables (Keras's stateless apply refuses it).
    model.phases = lambda: [engine.Phase("g", None, "g_ab", "g")]
    with pytest.raises(ValueError, match="Phase 'g' trains 4 of the 8 variables"):
        model.fit(_domains(16), batch_size=8, verbose=0)


def test_compile_names_missing_unused_and_shared_optimizers():
    model = TwoDomainGAN(seed=0)
    with pytest.raises(ValueError, match="optimizer for 'd_b'"):
        model.compile(optimizers={"d_b": None})
    with pytest.raises(ValueError, match=r"no phase using the optimizer\(s\) \['d'\]"):
        model.compile(optimizers={"d": "adam"})
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same object"):
        model.compile(optimizers={"d_a": shared, "d_b": shared})


def test_a_model_with_several_networks_saves_and_loads(tmp_path):
    model = TwoDomainGAN(seed=0, cycle_weight=5.0)
    model.compile()
    model.fit(_domains(16), batch_size=8, epochs=1, verbose=0)
    path = tmp_path / "two.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.get_config() == model.get_config()
    a, _ = _domains(4, seed=1)
    np.testing.assert_allclose(loaded.translate(a), model.translate(a), atol=1e-6)
    assert [int(o.iterations) for o in loaded.optimizer.optimizers] == [
        int(o.iterations) for o in model.optimizer.optimizers
    ]


# ----------------------------------------------------------------- intervals
class _Counter(engine.AdversarialModel):
    """One scalar `w`, loss `w` (gradient 1), SGD: every update moves w by -lr·scale."""

    def __init__(self, interval=1, lazy_scale=True, repeats=1, fresh_batch=False):
        net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
        net.set_weights([np.zeros((1, 1), "float32")])
        super().__init__({"net": net}, seed=0)
        self.options = dict(
            interval=interval, lazy_scale=lazy_scale, repeats=repeats, fresh_batch=fresh_batch
        )
        self.traces = 0

    def data_spec(self):
        return (engine.DataSpec("x", (1,)),)

    def phases(self):
        return [engine.Phase("step", self.phase_loss, "net", "sgd", logs=("mean_x",), **self.options)]

    def phase_loss(self, x):
        self.traces += 1
        w = self.net.trainable_variables[0]
        # d loss / d w = mean(x): each repeat's update reveals the batch it saw.
        return ops.sum(w) * ops.mean(x), {"mean_x": ops.mean(x)}

    @property
    def w(self):
        return float(np.asarray(self.net.get_weights()[0]).ravel()[0])


def _sgd_counter(**options):
    model = _Counter(**options)
    model.compile(optimizers={"sgd": keras.optimizers.SGD(0.1)})
    return model


@pytest.mark.parametrize("lazy_scale, expected", [(True, -0.8), (False, -0.2)])
def test_interval_phase_runs_every_k_steps_with_its_loss_scaled_by_k(lazy_scale, expected):
    model = _sgd_counter(interval=4, lazy_scale=lazy_scale)
    model.fit(np.ones((8, 1), "float32"), batch_size=1, epochs=1, verbose=0)
    # Steps 0 and 4 run the phase: 2 updates of -0.1 × (4 if lazy else 1).
    assert np.isclose(model.w, expected, atol=1e-6)
    assert int(model.optimizer.get("sgd").iterations) == 2
    assert int(model.optimizer.iterations) == 8


@pytest.mark.skipif(not COMPILED, reason="torch runs the step eagerly: no tracing")
def test_interval_phase_is_traced_once_not_per_step():
    model = _sgd_counter(interval=3)
    model.fit(np.ones((12, 1), "float32"), batch_size=1, epochs=2, verbose=0)
    # One trace of the step (a second on TF is its function's retracing check);
    # 24 steps ran with the phase every third step.
    assert model.traces <= 2
    assert int(model.optimizer.get("sgd").iterations) == 8


# ------------------------------------------------------------- fresh batches
def _chunked_data(batches, batch_size):
    # Batch i is all (i + 1): the update of each repeat reveals which batch it saw.
    return np.repeat(np.arange(1, batches + 1, dtype="float32"), batch_size)[:, None]


@pytest.mark.parametrize(
    "fresh, w, steps",
    [
        (True, -0.1 * (1 + 2 + 3), 1),  # one step: the 3 repeats saw batches 1, 2, 3
        (False, -0.1 * 3 * (1 + 2 + 3), 3),  # 3 steps: each batch reused 3 times
    ],
)
def test_fresh_batch_repeats_each_train_on_their_own_batch(fresh, w, steps):
    model = _sgd_counter(repeats=3, fresh_batch=fresh)
    model.fit(_chunked_data(3, 4), batch_size=4, epochs=1, verbose=0)
    assert np.isclose(model.w, w, atol=1e-5)
    assert int(model.optimizer.get("sgd").iterations) == 3 * steps
    assert int(model.optimizer.iterations) == steps


def test_fresh_batches_from_a_tf_data_dataset():
    tf = pytest.importorskip("tensorflow")
    model = _sgd_counter(repeats=3, fresh_batch=True)
    dataset = tf.data.Dataset.from_tensor_slices(_chunked_data(6, 4)).batch(4)
    model.fit(dataset, epochs=1, verbose=0)
    # 6 batches → 2 steps of 3 critic updates: -0.1·(1+2+3) - 0.1·(4+5+6).
    assert np.isclose(model.w, -2.1, atol=1e-5)
    assert int(model.optimizer.iterations) == 2


def test_wgan_gp_critic_draws_a_fresh_batch_per_step():
    gan = kerasgan.models.WGANGP(latent_dim=8, data_shape=(28, 28, 1), g_filters=4,
                                 d_filters=4, seed=0)
    gan.compile()
    assert gan.batches_per_step() == 5
    gan.fit(random_images(80), batch_size=8, epochs=1, verbose=0)
    # 80 images = 10 batches of 8 = 2 steps of 5 critic updates and 1 G update.
    assert int(gan.d_optimizer.iterations) == 10
    assert int(gan.g_optimizer.iterations) == 2


# ----------------------------------------------------------- declared logs
def test_a_log_nobody_declared_is_an_error_and_the_model_survives():
    model = TwoDomainGAN(seed=0)
    model.compile()
    def loss(a, b):
        return ops.mean(model.g_ab(a)) + ops.mean(model.g_ba(b)), {"oops": ops.mean(a)}

    model.phases = lambda: [engine.Phase("g", loss, ("g_ab", "g_ba"), "g")]
    before = to_numpy(model.g_ab.weights)
    with pytest.raises(ValueError, match="returned the log 'oops'.*does not declare"):
        model.fit(_domains(16), batch_size=8, epochs=1, verbose=0)
    # On JAX Keras empties every variable before the first step; they are back.
    for x, y in zip(before, to_numpy(model.g_ab.weights)):
        np.testing.assert_array_equal(x, y)


# ----------------------------------------------- Keras learning-rate callbacks
def test_learning_rate_scheduler_changes_every_optimizer():
    model = TwoDomainGAN(seed=0)
    model.compile(optimizers={"g": keras.optimizers.Adam(1e-3),
                              "d_a": keras.optimizers.Adam(2e-3),
                              "d_b": keras.optimizers.Adam(4e-3)})
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    model.fit(_domains(16), batch_size=8, epochs=2, verbose=0, callbacks=[halve])
    rates = [float(ops.convert_to_numpy(o.learning_rate)) for o in model.optimizer.optimizers]
    np.testing.assert_allclose(rates, [2.5e-4, 5e-4, 1e-3], rtol=1e-6)


def test_reduce_lr_on_plateau_reduces_both_gan_optimizers_and_logs_them():
    gan = tiny_dcgan()
    gan.compile(**adam_pair(g_lr=1e-4, d_lr=4e-4))
    # min_delta larger than any change: every epoch after the first is a plateau.
    reduce = keras.callbacks.ReduceLROnPlateau(
        "g_loss", mode="min", factor=0.5, patience=0, min_delta=1e9
    )
    history = gan.fit(random_images(16), batch_size=8, epochs=2, verbose=0,
                      callbacks=[reduce])
    assert np.isclose(float(gan.g_optimizer.learning_rate), 5e-5)
    assert np.isclose(float(gan.d_optimizer.learning_rate), 2e-4)
    # Each optimizer's rate is logged under its own name (before the epoch's change).
    assert np.isclose(history.history["learning_rate_d_optimizer"][0], 4e-4)
    assert np.isclose(history.history["learning_rate_g_optimizer"][0], 1e-4)


def test_tensorboard_logs_every_learning_rate(tmp_path):
    pytest.importorskip("tensorboard")
    gan = tiny_dcgan()
    gan.compile(**adam_pair(g_lr=1e-4, d_lr=4e-4))
    board = keras.callbacks.TensorBoard(tmp_path)
    gan.fit(random_images(8), batch_size=8, epochs=1, verbose=0, callbacks=[board])
    logs = board._collect_learning_rate({})
    assert np.isclose(logs["learning_rate_g_optimizer"], 1e-4)
    assert np.isclose(logs["learning_rate_d_optimizer"], 4e-4)


# ------------------------------------------------- bad inputs, before training
def _weights(model):
    return to_numpy(model.weights)


def _assert_refused_and_intact(model, fit_args, fit_kwargs, match, error=ValueError):
    before = _weights(model)
    with pytest.raises(error, match=match):
        model.fit(*fit_args, verbose=0, **fit_kwargs)
    for x, y in zip(before, _weights(model)):
        np.testing.assert_array_equal(x, y)
    assert int(model.optimizer.iterations) == 0


def test_empty_data_is_refused_before_training():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    _assert_refused_and_intact(gan, (random_images(0),), {"batch_size": 8}, "empty")


def test_empty_dataset_is_refused_before_training():
    tf = pytest.importorskip("tensorflow")
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    empty = tf.data.Dataset.from_tensor_slices(random_images(8)).batch(4).take(0)
    _assert_refused_and_intact(gan, (empty,), {}, "empty dataset")
    # Unknown cardinality: found empty by reading it.
    filtered = tf.data.Dataset.from_tensor_slices(random_images(8)).filter(
        lambda x: tf.reduce_max(x) > 5.0
    ).batch(4)
    _assert_refused_and_intact(gan, (filtered,), {}, "empty dataset")
    gan.fit(random_images(8), batch_size=8, epochs=1, verbose=0)  # still trains


@pytest.mark.parametrize(
    "option", [{"validation_split": 0.5}, {"validation_data": random_images(8)}]
)
def test_validation_options_are_refused_before_training(option):
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    _assert_refused_and_intact(
        gan, (random_images(16),), {"batch_size": 8, **option}, "no validation loss"
    )


def _conditional():
    gan = kerasgan.models.ConditionalGAN(num_classes=3, latent_dim=4, data_shape=(2,),
                                         hidden_units=(8,), seed=0)
    gan.compile()
    return gan


@pytest.mark.parametrize(
    "labels, match",
    [
        (np.array([0, 1, 2, 3] * 2), r"in \[0, 3\); got values from 0 to 3"),
        (np.array([0, -1, 2, 1] * 2), r"got values from -1 to 2"),
        (np.array([0.0, 1.5, 2.0, 1.0] * 2), "expects integer labels.*probabilities"),
        (np.array([0.0, 1.0, 2.0, 1.0] * 2), r"astype\('int32'\)"),
        (np.eye(3, dtype="float32")[[0, 1, 2, 1] * 2], "looks one-hot.*argmax"),
        (None, "trains on batches of \\(images, labels\\)"),
    ],
)
def test_bad_labels_are_refused_before_training(labels, match):
    gan = _conditional()
    x = np.zeros((8, 2), "float32")
    args = (x,) if labels is None else (x, labels)
    _assert_refused_and_intact(gan, args, {"batch_size": 4}, match)


def test_bad_labels_in_a_dataset_are_refused_before_training():
    tf = pytest.importorskip("tensorflow")
    gan = _conditional()
    x = np.zeros((8, 2), "float32")
    out_of_range = tf.data.Dataset.from_tensor_slices((x, np.full(8, 7))).batch(4)
    _assert_refused_and_intact(gan, (out_of_range,), {}, r"in \[0, 3\)")
    one_hot = tf.data.Dataset.from_tensor_slices((x, np.eye(3)[[0] * 8])).batch(4)
    _assert_refused_and_intact(gan, (one_hot,), {}, "one-hot")


def test_integer_images_are_refused_and_odd_ranges_warned():
    tf = pytest.importorskip("tensorflow")
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    uint8 = np.zeros((8, 28, 28, 1), "uint8")
    _assert_refused_and_intact(gan, (uint8,), {"batch_size": 8}, "dtype uint8")
    dataset = tf.data.Dataset.from_tensor_slices(uint8).batch(4)
    _assert_refused_and_intact(gan, (dataset,), {}, "yields uint8")
    for scale, seen in ((255.0, r"\[0, 255\].*x / 127.5 - 1"), (1.0, r"\[0, 1\].*x \* 2 - 1")):
        images = (random_images(8) * 0.5 + 0.5) * scale
        with pytest.warns(UserWarning, match=seen):
            gan.fit(images, batch_size=8, epochs=1, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        gan.fit(random_images(8), batch_size=8, epochs=1, verbose=0)


def test_evaluate_is_refused_and_the_model_survives():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    before = _weights(gan)
    with pytest.raises(NotImplementedError, match="no validation loss"):
        gan.evaluate(random_images(8), batch_size=8, verbose=0)
    for x, y in zip(before, _weights(gan)):
        np.testing.assert_array_equal(x, y)
    gan.fit(random_images(8), batch_size=8, epochs=1, verbose=0)


def test_fit_before_compile_says_how():
    model = TwoDomainGAN(seed=0)
    with pytest.raises(RuntimeError, match="not compiled"):
        model.fit(_domains(8), batch_size=8)


def test_data_for_a_paired_model_is_checked_against_its_spec():
    model = TwoDomainGAN(seed=0)
    model.compile()
    a, b = _domains(8)
    with pytest.raises(ValueError, match="domain_b of shape"):
        model.fit((a, b[:, :3]), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match=r"batches of \(domain_a, domain_b\)"):
        model.fit(a, batch_size=8, verbose=0)
