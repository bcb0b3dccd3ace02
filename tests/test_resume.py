"""Full-state resume: a run killed mid-training and resumed ends as an uninterrupted one."""

import json
import signal
import subprocess
import sys

import numpy as np
import pytest

from conftest import adam_pair
from conftest import load_script
from conftest import random_images
from conftest import subprocess_env
from conftest import tiny_dcgan
from conftest import to_numpy

import keras
import kerasgan
from kerasgan import training
from kerasgan.callbacks.loss_plot import read_history_csv
from kerasgan.metrics.extractors import FeatureExtractor
from kerasgan.callbacks.run_backup import BackupError
from kerasgan.callbacks.run_backup import RunBackup

# Trains a tiny DCGAN (batch norm in G, dropout in D: RNG states matter) with an EMA
# for 4 epochs of 4 steps; with CRASH_AFTER = k > 0 the process dies without any
# cleanup right after BackupAndRestore saved epoch k. Saves every variable at the end.
TRAIN = """
import os, sys
import keras, numpy as np, kerasgan

out, crash_after = sys.argv[1], int(sys.argv[2])
keras.utils.set_random_seed(0)
gan = kerasgan.models.DCGAN(
    latent_dim=8, data_shape=(28, 28, 1), g_filters=4, d_filters=4, seed=7
)
gan.compile(
    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    d_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.5),
)
x = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")


class Crash(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == crash_after:
            os._exit(17)


gan.fit(x, batch_size=8, epochs=4, shuffle=False, verbose=0, callbacks=[
    kerasgan.callbacks.GeneratorEMA(decay=0.9),
    keras.callbacks.BackupAndRestore(os.path.join(out, "backup")),
    Crash(),
])
state = gan.variables + gan.optimizer.variables
np.savez(os.path.join(out, "final.npz"), *[keras.ops.convert_to_numpy(v) for v in state])
"""


def _train(out, crash_after):
    return subprocess.run(
        [sys.executable, "-c", TRAIN, str(out), str(crash_after)],
        env=subprocess_env(keras.backend.backend()),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _train_here(out, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["train", str(out), "0"])
    exec(compile(TRAIN, "train", "exec"), {"__name__": "train"})


def test_killed_and_resumed_run_equals_an_uninterrupted_run(tmp_path, monkeypatch):
    crashed = _train(tmp_path / "resumed", crash_after=2)
    assert crashed.returncode == 17, crashed.stderr[-3000:]
    assert (tmp_path / "resumed" / "backup").exists()
    assert not (tmp_path / "resumed" / "final.npz").exists()
    resumed = _train(tmp_path / "resumed", crash_after=0)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    _train_here(tmp_path / "straight", monkeypatch)

    got = np.load(tmp_path / "resumed" / "final.npz")
    expected = np.load(tmp_path / "straight" / "final.npz")
    assert len(got.files) == len(expected.files) > 40
    for name in expected.files:
        np.testing.assert_allclose(got[name], expected[name], atol=1e-6, err_msg=name)
    # The step count and both optimizers' iterations: 4 epochs × 4 steps.
    iterations = [v for v in expected.values() if v.shape == () and v.dtype.kind == "i"]
    assert [int(i) for i in iterations] == [16, 16, 16]


# ------------------------------------------------ run folders (kerasgan.training)
# A toy run, 3 epochs of 3 steps; KILLED_RUN trains it in a subprocess that SIGKILLs
# itself after epoch N ("2") or between the last epoch and the final files ("final").
TOY = {
    "variant": "vanilla_gan",
    "dataset": "ring8",
    "epochs": 3,
    "batch_size": 32,
    "steps_per_epoch": 3,
    "latent_dim": 2,
    "verbose": 0,
}
KILLED_RUN = """
import json, os, signal, sys
import keras
from kerasgan import training

out, kill_at, arguments = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])


def kill(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


class KillAfterEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if str(epoch + 1) == kill_at:
            kill()  # after RunBackup, listed before it, saved this epoch


make_callbacks = training._callbacks
training._callbacks = lambda *args: [*make_callbacks(*args), KillAfterEpoch()]
if kill_at == "final":
    training.write_final_files = kill
training.train_variant(out=out, **arguments)
"""


def _killed_run(out, kill_at):
    result = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(out), kill_at, json.dumps(TOY)],
        env=subprocess_env(keras.backend.backend()),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,  # it kills itself; the return code is checked below
    )
    assert result.returncode == -signal.SIGKILL, result.stderr[-3000:]


def _final_state(out):
    gan = keras.models.load_model(out / "model.keras")
    return to_numpy(gan.variables + gan.optimizer.variables)


@pytest.fixture(scope="module")
def straight_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("straight")
    training.train_variant(out=out, **TOY)
    return _final_state(out)


def _assert_same_state(out, straight_run):
    got = _final_state(out)
    assert len(got) == len(straight_run) > 10
    for a, b in zip(got, straight_run):
        np.testing.assert_allclose(a, b, atol=1e-6)


def _points_extractor():
    def build(shape):
        inputs = keras.Input(shape)
        return keras.Model(inputs, keras.layers.Identity()(inputs))

    return FeatureExtractor("points", build, "points", batch_size=64, jit_compile=False)


def test_a_metrics_callback_watches_a_run_without_changing_it(tmp_path, straight_run):
    # scripts/train.py --track-fid: an FID curve in history.csv, the same weights.
    real = np.random.default_rng(0).normal(size=(256, 2)).astype("float32")
    metrics = kerasgan.callbacks.Metrics("fid", dataset=real, num_samples=256,
                                         extractor=_points_extractor())
    training.train_variant(out=tmp_path, callbacks=[metrics], **TOY)
    _assert_same_state(tmp_path, straight_run)
    rows = read_history_csv(tmp_path / "history.csv")
    assert len(rows) == TOY["epochs"]
    curve = [float(row["fid"]) for row in rows]
    assert all(np.isfinite(curve)) and min(curve) > 0
    assert "callbacks" not in json.loads((tmp_path / training.ARGUMENTS).read_text())
    fid_curve = load_script("fid_curve")
    assert fid_curve.read_curve(tmp_path) == list(enumerate(curve, start=1))


def test_the_fid_curve_leaves_out_the_epochs_it_did_not_measure(tmp_path):
    # --track-fid 2: history.csv has NaN in the epochs in between.
    (tmp_path / "history.csv").write_text("epoch,fid,g_loss\n1,nan,0.5\n2,4.0,0.4\n"
                                          "3,,0.3\n4,3.5,0.2\n")
    fid_curve = load_script("fid_curve")
    curve = fid_curve.read_curve(tmp_path)
    assert curve == [(2, 4.0), (4, 3.5)]
    assert fid_curve.measured_epochs(curve) == "every 2 epochs"


def test_the_fid_curve_refuses_a_run_without_fid(tmp_path):
    fid_curve = load_script("fid_curve")
    training.train_variant(out=tmp_path, **TOY)
    with pytest.raises(SystemExit, match="--track-fid"):
        fid_curve.read_curve(tmp_path)


def test_a_kill_after_the_last_epoch_loses_nothing(tmp_path, straight_run):
    out = tmp_path / "run"
    _killed_run(out, "final")
    # The backup outlives fit() until the final files are written.
    assert (out / "backup" / "latest.weights.h5").exists()
    assert not (out / "model.keras").exists()
    training.train_variant(out=out, resume=True, **TOY)
    _assert_same_state(out, straight_run)
    assert not (out / "backup").exists()
    run = json.loads((out / "run.json").read_text())
    assert set(run["final"]) >= {"d_loss", "g_loss"}  # from history.csv


def test_a_resumed_run_reports_the_seconds_of_every_epoch(tmp_path, straight_run):
    out = tmp_path / "run"
    _killed_run(out, "2")
    # The clock holds the killed process's seconds at the end of each finished epoch.
    clock = json.loads((out / "backup" / "clock.json").read_text())
    assert set(clock) == {"1", "2"} and 0 < clock["1"] < clock["2"]
    training.train_variant(out=out, resume=True, **TOY)
    _assert_same_state(out, straight_run)
    run = json.loads((out / "run.json").read_text())
    assert run["resumed_from_epoch"] == 2 and "train_seconds_from_epoch" not in run
    # The earlier process's 2 epochs plus this one's third, not the third alone.
    assert run["train_seconds"] > clock["2"]


def test_a_backup_without_a_clock_says_its_seconds_are_the_last_process_s(tmp_path):
    out = tmp_path / "run"
    _killed_run(out, "2")
    (out / "backup" / "clock.json").unlink()  # a backup from before the clock
    training.train_variant(out=out, resume=True, **TOY)
    run = json.loads((out / "run.json").read_text())
    assert run["resumed_from_epoch"] == 2 and run["train_seconds_from_epoch"] == 2


def test_an_uninterrupted_run_says_nothing_of_resuming(tmp_path):
    training.train_variant(out=tmp_path, **TOY)
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["train_seconds"] > 0
    assert "resumed_from_epoch" not in run and "train_seconds_from_epoch" not in run


def test_a_truncated_checkpoint_falls_back_to_the_previous_one(tmp_path, straight_run):
    out = tmp_path / "run"
    _killed_run(out, "2")
    latest = out / "backup" / "latest.weights.h5"
    latest.write_bytes(latest.read_bytes()[:1000])  # a crash while it was written
    with pytest.warns(UserWarning, match=r"latest\.weights\.h5\.bkp \(epoch 1\)"):
        training.train_variant(out=out, resume=True, **TOY)
    _assert_same_state(out, straight_run)


def test_unusable_checkpoints_are_named_with_the_last_good_weights(tmp_path):
    out = tmp_path / "run"
    _killed_run(out, "2")
    for name in ("latest.weights.h5", "latest.weights.h5.bkp"):
        (out / "backup" / name).write_bytes(b"truncated")
    with pytest.raises(BackupError) as error:
        training.train_variant(out=out, resume=True, **TOY)
    message = str(error.value)
    assert "latest.weights.h5 (" in message and "latest.weights.h5.bkp (" in message
    assert "last_good.weights.h5" in message and "--overwrite" in message


def test_metadata_of_another_epoch_than_the_weights_is_refused(tmp_path):
    # Weights of epoch 1 under metadata of epoch 2 would silently skip an epoch.
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    backup = RunBackup(tmp_path / "backup", steps_per_epoch=2)
    gan.fit(random_images(16), batch_size=8, epochs=1, verbose=0, callbacks=[backup])
    for name in ("training_metadata.json", "training_metadata.json.bkp"):
        (tmp_path / "backup" / name).write_text('{"epoch": 2, "batch": 0}')
    restored = tiny_dcgan()
    restored.compile(**adam_pair())
    resumed = RunBackup(tmp_path / "backup", steps_per_epoch=2)
    resumed.set_model(restored)
    with pytest.raises(BackupError, match=r"at step 2 but .*training_metadata\.json"):
        resumed.restore()


# ------------------------------------------- scripts/train.py --resume (zoo runs)
@pytest.fixture
def train_script(monkeypatch):
    script = load_script("train")
    monkeypatch.setattr(script, "source_state", lambda: ("c" * 40, False))
    return script


def _resume(script, monkeypatch, out, *extra):
    monkeypatch.setattr("sys.argv", ["train.py", "dcgan_fashion_mnist", "--out", str(out),
                                      "--resume", *extra])
    return script.main()


@pytest.mark.parametrize("recorded, message", [
    (None, "no zoo_source.json"),
    ("d" * 40, "started at commit dddddddddd, this checkout is cccccccccc"),
])
def test_a_zoo_run_resumes_only_at_the_commit_that_started_it(
    tmp_path, monkeypatch, train_script, recorded, message
):
    monkeypatch.setattr(training, "train_variant", lambda **k: pytest.fail("trained"))
    if recorded:
        train_script.source_record(tmp_path).parent.mkdir(parents=True)
        train_script.source_record(tmp_path).write_text(json.dumps({"commit": recorded}))
    with pytest.raises(SystemExit, match=message):
        _resume(train_script, monkeypatch, tmp_path)


def test_a_zoo_run_at_its_own_commit_is_resumed(tmp_path, monkeypatch, train_script):
    class Trained(Exception):
        pass

    def train_variant(**arguments):
        raise Trained(arguments)

    monkeypatch.setattr(training, "train_variant", train_variant)
    train_script.source_record(tmp_path).parent.mkdir(parents=True)
    train_script.source_record(tmp_path).write_text(json.dumps({"commit": "c" * 40}))
    with pytest.raises(Trained) as called:
        _resume(train_script, monkeypatch, tmp_path)
    arguments = called.value.args[0]
    assert arguments["resume"] is True and arguments["overwrite"] is False
    assert any(isinstance(c, train_script.RecordSource) for c in arguments["callbacks"])


def test_resume_and_overwrite_together_are_refused(tmp_path, monkeypatch, train_script, capsys):
    monkeypatch.setattr(training, "train_variant", lambda **k: pytest.fail("trained"))
    with pytest.raises(SystemExit):
        _resume(train_script, monkeypatch, tmp_path, "--overwrite")
    assert "not both" in capsys.readouterr().err


def test_the_commit_record_lives_as_long_as_the_backup(tmp_path, train_script):
    # Written when training begins; removed with the backup once the run is done.
    record = train_script.RecordSource(tmp_path, "e" * 40)
    seen = []

    class Look(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(json.loads(train_script.source_record(tmp_path).read_text()))

    training.train_variant(out=tmp_path, callbacks=[record, Look()], **TOY)
    assert seen == [{"commit": "e" * 40}] * TOY["epochs"]
    assert not (tmp_path / "backup").exists()


def test_the_card_says_where_a_run_was_resumed():
    from kerasgan.zoo.card import _training_time

    assert _training_time({"seconds": 600}) == "10.0 min"
    assert _training_time({"seconds": 600, "resumed_from_epoch": 2}) == (
        "10.0 min (resumed after epoch 2)")
    assert _training_time({"seconds": 60, "resumed_from_epoch": 2, "seconds_from_epoch": 2}) == (
        "1.0 min (epochs after 2 only: resumed there)")
