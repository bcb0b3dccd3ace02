"""Data-parallel training equals one device: two steps on two devices (or ranks) with
global batch 8 leave every variable as two steps on one device with the same batches.

The framework's own engine distributes (JAX `keras.distribution.DataParallel`,
TensorFlow `MirroredStrategy` on two logical CPUs, PyTorch `torch.distributed` with
gloo over loopback, two processes); tests/distributed_worker.py trains in fresh
processes, because a framework fixes its devices when it starts. Latents and the
WGAN-GP interpolation weights are the same by construction: each replica keeps its
rows of the global batch's draw (`kerasgan.backend.replica_rows`).
"""

import os
import pathlib
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

from kerasgan import backend
from kerasgan.engine import distribution

WORKER = pathlib.Path(__file__).with_name("distributed_worker.py")
BACKEND = keras.backend.backend()
TOLERANCE = 1e-5


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(mode, out, **env):
    environment = {**os.environ, "KERAS_BACKEND": BACKEND, "OMP_NUM_THREADS": "1", **env}
    root = str(WORKER.parent.parent)
    environment["PYTHONPATH"] = os.pathsep.join(
        [root] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    )
    return subprocess.Popen(
        [sys.executable, str(WORKER), mode, str(out)], env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _wait(processes):
    for process in processes:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output[-3000:]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`(one device, [each device's or rank's results])`, run concurrently."""
    folder = tmp_path_factory.mktemp("distributed")
    one = folder / "one.npz"
    processes = [_start("one", one)]
    if BACKEND == "torch":
        ranks = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(_free_port()),
                 "WORLD_SIZE": "2"}
        processes += [_start("many", folder / "many", RANK=str(r), **ranks) for r in (0, 1)]
        many = [folder / f"many.rank{r}.npz" for r in (0, 1)]
    else:
        processes.append(_start("many", folder / "many.npz"))
        many = [folder / "many.npz"]
    _wait(processes)
    return dict(np.load(one)), [dict(np.load(path)) for path in many]


def test_the_distributed_run_used_two_devices(runs):
    one, many = runs
    assert int(one["devices"]) == 1
    assert [int(results["devices"]) for results in many] == [2] * len(many)


@pytest.mark.parametrize("model", ["dcgan", "sn_ema_wgan_gp"])
def test_two_devices_train_as_one(runs, model):
    """Weights, batch-norm statistics, spectral-norm vectors, the EMA generator, both
    optimizers' states and step counters, the RNG state and the logged losses."""
    one, many = runs
    names = [k for k in one if k.startswith(f"{model}/") and not k.endswith(("/spread", "/moved", "/sharded"))]
    assert len(names) > 20  # every variable is compared, not a few
    assert any("/log/" in k for k in names)
    for results in many:
        assert [k for k in results if k.startswith(f"{model}/")] == [
            k for k in one if k.startswith(f"{model}/")
        ]
        for name in names:
            np.testing.assert_allclose(
                results[name], one[name], rtol=0, atol=TOLERANCE, err_msg=name
            )


@pytest.mark.skipif(BACKEND != "jax", reason="ModelParallel is keras.distribution's (JAX)")
def test_model_parallel_trains_as_one_device(runs):
    """The DCGAN with its generator's kernels split over two devices."""
    one, (many,) = runs
    assert int(many["dcgan/sharded"]) == 0  # DataParallel replicates every variable
    assert int(many["dcgan_model_parallel/sharded"]) == 3  # G's dense, 2 transposed convs
    for name in [k for k in one if k.startswith("dcgan/") and "/log/" not in k]:
        if name.endswith(("/spread", "/moved", "/sharded")):
            continue
        parallel = name.replace("dcgan/", "dcgan_model_parallel/", 1)
        np.testing.assert_allclose(many[parallel], one[name], rtol=0, atol=TOLERANCE,
                                   err_msg=name)


@pytest.mark.parametrize("model", ["dcgan", "sn_ema_wgan_gp"])
def test_every_device_holds_the_same_state(runs, model):
    _, many = runs
    for results in many:
        assert float(results[f"{model}/spread"]) == 0.0
    for results in many[1:]:  # torch: each rank's own copy
        for name in results:
            np.testing.assert_array_equal(results[name], many[0][name], err_msg=name)


def test_the_training_steps_moved_the_weights(runs):
    """The equality above is about trained state, not about initial values."""
    one, _ = runs
    for model in ("dcgan", "sn_ema_wgan_gp"):
        assert float(one[f"{model}/moved"]) > 0.9  # trainable variables moved > 1e-4
        steps = [k for k in one if k.startswith(model) and k.endswith("/iteration")]
        assert len(steps) == 3 and all(int(one[k]) == 2 for k in steps)


def test_replica_rows_on_one_device_is_the_draw():
    rows = backend.replica_rows(lambda n: np.arange(n * 2).reshape(n, 2), 3)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(rows), [[0, 1], [2, 3], [4, 5]])


def test_replica_rows_are_this_replicas_share_of_the_global_draw(monkeypatch):
    monkeypatch.setattr(backend, "replica_index_and_count", lambda: (1, 2))
    rows = backend.replica_rows(lambda n: keras.ops.arange(n), 3)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(rows), [3, 4, 5])


def test_each_rank_gets_its_share_of_every_global_batch(monkeypatch):
    """Rank r's batches are the r-th halves of the global batches, in order (so rows
    pair with the rank's latents); other ranks run only the deciding callbacks."""
    x = np.arange(21)
    printer, stopper = keras.callbacks.CSVLogger("unused.csv"), keras.callbacks.EarlyStopping()
    shards = []
    for rank in (0, 1):
        monkeypatch.setattr(distribution.backend, "process_rank_and_count", lambda r=rank: (r, 2))
        shard, _, kwargs, callbacks = distribution.shard_for_process(
            x, None, {"batch_size": 8}, [printer, stopper]
        )
        assert kwargs["batch_size"] == 4
        shards.append(shard)
        assert callbacks == ([printer, stopper] if rank == 0 else [stopper])
        assert kwargs.get("verbose") == (None if rank == 0 else 0)
    np.testing.assert_array_equal(shards[0], [0, 1, 2, 3, 8, 9, 10, 11, 16, 17])
    np.testing.assert_array_equal(shards[1], [4, 5, 6, 7, 12, 13, 14, 15, 18, 19])


def test_a_global_batch_that_does_not_split_is_refused(monkeypatch):
    monkeypatch.setattr(distribution.backend, "process_rank_and_count", lambda: (0, 2))
    with pytest.raises(ValueError, match="multiple of 2"):
        distribution.shard_for_process(np.zeros(8), None, {"batch_size": 7}, [])
