"""Full-state resume: a run killed mid-training and resumed ends as an uninterrupted one."""

import subprocess
import sys

import numpy as np

from conftest import subprocess_env

import keras

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
