"""Staged training (`kerasgan.engine.fit_stages`): hooks, re-compilation, resuming."""

import json

import keras
import numpy as np
import pytest
from keras import layers
from keras import ops

import kerasgan
from conftest import to_numpy
from kerasgan.engine import DataSpec
from kerasgan.engine import Phase
from kerasgan.engine import Stage
from kerasgan.engine import fit_stages

LATENT, DIM, BATCH = 3, 2, 8
STEPS = 4  # per epoch: 32 points, batches of 8


class _Growing(kerasgan.AdversarialModel):
    """A tiny latent GAN on 2-D points whose generator can grow a layer."""

    def __init__(self, seed=5):
        generator = keras.Sequential(
            [keras.Input((LATENT,)), layers.Dense(DIM)], name="base_generator"
        )
        discriminator = keras.Sequential(
            [
                keras.Input((DIM,)),
                layers.Dense(4, activation="relu"),
                layers.Dropout(0.3),  # its RNG state must be restored too
                layers.Dense(1),
            ],
            name="discriminator",
        )
        networks = {"generator": generator, "discriminator": discriminator}
        super().__init__(networks, seed=seed)

    def data_spec(self):
        return (DataSpec("points", (DIM,)),)

    def default_optimizers(self):
        return {"g": keras.optimizers.Adam(1e-2), "d": keras.optimizers.Adam(1e-2)}

    def phases(self):
        return [
            Phase("discriminator", self.d_loss, "discriminator", "d", logs=("d_loss",)),
            Phase("generator", self.g_loss, "generator", "g", logs=("g_loss",)),
        ]

    def _fakes(self, real):
        shape = (ops.shape(real)[0], LATENT)
        latents = keras.random.normal(shape, seed=self.seed_generator)
        return self.generator(latents, training=True)

    def d_loss(self, real):
        fake = ops.stop_gradient(self._fakes(real))
        real_logits = self.discriminator(real, training=True)
        fake_logits = self.discriminator(fake, training=True)
        loss = ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))
        return loss, {"d_loss": loss}

    def g_loss(self, real):
        logits = self.discriminator(self._fakes(real), training=True)
        loss = ops.mean(ops.softplus(-logits))
        return loss, {"g_loss": loss}

    def grow(self):
        """Wraps the generator: its old layers, then a new Dense (random init)."""
        self.generator = keras.Sequential(
            [keras.Input((LATENT,)), self.generator, layers.Dense(DIM)], name="grown"
        )


def _grow(model):
    model.grow()


def _freeze_old_generator(model):
    model.generator.layers[0].trainable = False


POINTS = np.random.default_rng(0).normal(size=(STEPS * BATCH, DIM)).astype("float32")


class _Killed(Exception):
    pass


class _KillAfterEpoch(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            raise _Killed(f"killed after epoch {self.epoch}")


def _stages(kill_in=None, kill_after=1):
    """base (2 epochs), grow G (2 epochs), freeze G's old layers (1 epoch)."""

    def fit_kwargs(name):
        if name != kill_in:
            return {}
        return {"callbacks": [_KillAfterEpoch(kill_after)]}

    return [
        Stage("base", epochs=2, data=POINTS, fit_kwargs=fit_kwargs("base")),
        Stage("grow", epochs=2, data=lambda m: POINTS, before=_grow,
              fit_kwargs=fit_kwargs("grow")),
        Stage("freeze", epochs=1, data=POINTS, before=_freeze_old_generator,
              fit_kwargs=fit_kwargs("freeze")),
    ]


def _model():
    keras.utils.set_random_seed(0)
    model = _Growing()
    model.compile()
    return model


def _fit(model, stages, backup_dir=None, **kwargs):
    return fit_stages(
        model, stages, backup_dir=backup_dir, batch_size=BATCH, shuffle=False, verbose=0,
        **kwargs,
    )


def _state(model):
    return to_numpy(model.variables + model.optimizer.variables)


def _assert_same_state(got, expected):
    assert len(got) == len(expected) > 20
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    """An uninterrupted run of the three stages, resumable files and all."""
    model = _model()
    histories = _fit(model, _stages(), tmp_path_factory.mktemp("straight"))
    return model, histories, _state(model)


def test_stages_run_their_hooks_and_recompile_what_changed(straight):
    model, histories, _ = straight
    assert list(histories) == ["base", "grow", "freeze"]
    assert [len(h.history["g_loss"]) for h in histories.values()] == [2, 2, 1]
    assert model.generator.name == "grown"
    # The step count runs on over the stages; D's optimizer trains the same variables
    # throughout and keeps its state; G's starts afresh whenever its variables change
    # (grown in stage 2, partly frozen in stage 3).
    assert int(model.optimizer.iterations) == 5 * STEPS
    assert int(model.optimizer.get("d").iterations) == 5 * STEPS
    assert int(model.optimizer.get("g").iterations) == 1 * STEPS
    assert len(model.optimizer.get("g")._trainable_variables) == 2  # the new Dense only


def test_killed_in_stage_two_resumes_and_ends_as_an_uninterrupted_run(straight, tmp_path):
    _, _, expected = straight
    backup = tmp_path / "backup"
    with pytest.raises(_Killed):
        _fit(_model(), _stages(kill_in="grow", kill_after=1), backup)
    state = json.loads((backup / "stages.json").read_text())
    assert state["finished"] == ["base"]
    assert (backup / "stage_1.start.weights.h5").exists()
    assert (backup / "stage_1.backup").exists()

    # A new process: a freshly built model, the same call.
    resumed = _model()
    histories = _fit(resumed, _stages(), backup)
    assert histories["base"] is None
    assert len(histories["grow"].history["g_loss"]) == 1  # epoch 2 of 2 only
    _assert_same_state(_state(resumed), expected)
    state = json.loads((backup / "stages.json").read_text())
    assert state["finished"] == ["base", "grow", "freeze"]
    assert sorted(p.name for p in backup.iterdir()) == [
        "stage_2.end.weights.h5",
        "stages.json",
    ]


def test_the_same_model_object_resumes_after_an_exception(straight, tmp_path):
    _, _, expected = straight
    model = _model()
    with pytest.raises(_Killed):
        _fit(model, _stages(kill_in="freeze", kill_after=1), tmp_path)
    # The hooks already applied to this object are not applied twice.
    histories = _fit(model, _stages(), tmp_path)
    assert [h is None for h in histories.values()] == [True, True, False]
    _assert_same_state(_state(model), expected)


def test_killed_between_stages_resumes_from_the_end_of_the_last_finished(
    straight, tmp_path
):
    _, _, expected = straight
    # Killed in stage 2's hook: stage 1 is finished, stage 2 has no start state yet.
    def killed(model):
        raise _Killed("killed in the hook")

    stages = _stages()
    stages[1] = Stage("grow", epochs=2, data=POINTS, before=killed)
    with pytest.raises(_Killed):
        _fit(_model(), stages, tmp_path)
    assert not (tmp_path / "stage_1.start.weights.h5").exists()
    resumed = _model()
    _fit(resumed, _stages(), tmp_path)
    _assert_same_state(_state(resumed), expected)


def test_rerunning_a_finished_schedule_trains_nothing_and_loads_the_result(
    straight, tmp_path
):
    model, _, expected = straight
    backup = tmp_path / "backup"
    first = _model()
    _fit(first, _stages()[:2], backup)
    again = _model()
    histories = _fit(again, _stages()[:2], backup)
    assert list(histories.values()) == [None, None]
    _assert_same_state(_state(again), _state(first))
    # A longer schedule whose first stages finished goes on from there.
    extended = _model()
    histories = _fit(extended, _stages(), backup)
    assert [h is None for h in histories.values()] == [True, True, False]
    _assert_same_state(_state(extended), expected)


def test_a_hook_may_return_compile_arguments_or_compile_itself():
    def new_optimizers(model):
        model.grow()
        sgd = keras.optimizers.SGD
        return {"optimizers": {"g": sgd(0.1), "d": sgd(0.1)}}

    def compiles(model):
        model.compile(optimizers={"g": keras.optimizers.RMSprop(1e-3)})

    model = _model()
    _fit(model, [
        Stage("a", epochs=1, data=POINTS[:8]),
        Stage("b", epochs=1, data=POINTS[:8], before=new_optimizers),
    ])
    assert isinstance(model.optimizer.get("g"), keras.optimizers.SGD)
    assert int(model.optimizer.iterations) == 2  # carried over the re-compilation
    assert int(model.optimizer.get("d").iterations) == 1

    model = _model()
    _fit(model, [Stage("a", epochs=1, data=POINTS[:8], before=compiles)])
    assert isinstance(model.optimizer.get("g"), keras.optimizers.RMSprop)

    # compile= on the stage: the model needs no compile() before.
    keras.utils.set_random_seed(0)
    model = _Growing()
    def sgd_for_d(model):
        return {"optimizers": {"d": keras.optimizers.SGD(0.1)}}

    _fit(model, [Stage("a", epochs=1, data=POINTS[:8], compile=sgd_for_d)])
    assert isinstance(model.optimizer.get("d"), keras.optimizers.SGD)


def test_a_learning_rate_changed_in_a_stage_survives_the_recompilation():
    class Lower(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            self.model.optimizer.get("g").learning_rate.assign(1e-3)

    model = _model()
    _fit(model, [
        Stage("a", epochs=1, data=POINTS[:8], fit_kwargs={"callbacks": [Lower()]}),
        Stage("b", epochs=1, data=POINTS[:8], before=_grow),
    ])
    assert np.isclose(float(model.optimizer.get("g").learning_rate), 1e-3)


def test_bad_schedules_are_refused_before_training(tmp_path):
    model = _model()
    with pytest.raises(ValueError, match="unique"):
        _fit(model, [Stage("a", 1, POINTS), Stage("a", 1, POINTS)])
    with pytest.raises(ValueError, match="backup_dir"):
        _fit(model, [Stage("a", 1, POINTS)],
             callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "b"))])
    with pytest.raises(ValueError, match="epochs"):
        Stage("a", epochs=0, data=POINTS)
    with pytest.raises(TypeError, match="epochs"):
        Stage("a", epochs=1, data=POINTS, fit_kwargs={"epochs": 3})
    with pytest.raises(TypeError, match="returns None or a dict"):
        _fit(model, [Stage("a", 1, POINTS, before=lambda m: 3)])
    keras.utils.set_random_seed(0)
    with pytest.raises(RuntimeError, match="not compiled"):
        _fit(_Growing(), [Stage("a", 1, POINTS)])
    assert int(model.optimizer.iterations) == 0

    # A backup_dir written by another schedule.
    _fit(_model(), [Stage("a", 1, POINTS[:8])], tmp_path / "other")
    with pytest.raises(ValueError, match="same stages"):
        _fit(_model(), [Stage("b", 1, POINTS[:8])], tmp_path / "other")

    # A model staged without backup_dir cannot be staged again.
    model = _model()
    _fit(model, [Stage("a", 1, POINTS[:8])])
    with pytest.raises(ValueError, match="fresh model"):
        _fit(model, [Stage("a", 1, POINTS[:8])])
