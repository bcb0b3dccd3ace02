"""Data-parallel training: what the engine does so that N replicas train as one device.

The frameworks' own engines do the distribution (`keras.distribution.DataParallel` on
JAX, a `tf.distribute` strategy on TensorFlow, `torch.distributed` on PyTorch, see
docs/distributed.md); the engine only keeps a step on N replicas equal to the step on
one device with the same global batch:

- losses: `kerasgan.backend.scale_loss_for_replicas` (each replica's gradient is
  combined as the framework combines them);
- random draws per example (latents, the WGAN-GP interpolation):
  `kerasgan.backend.replica_rows` draws the global batch's rows and keeps this
  replica's, so the replicas draw different rows and together exactly the rows one
  device draws;
- data on PyTorch: `shard_for_process` gives each rank its share of arrays.
"""

import keras
import numpy as np

from kerasgan import backend


def shard_for_process(x, y, kwargs, callbacks):
    """Each process's share of `fit`'s data and callbacks (PyTorch ranks).

    With `torch.distributed` initialised every rank runs `fit` on its own data:
    arrays are cut to a multiple of the number of ranks (every rank then runs the
    same number of steps, whose collectives must pair up) and rank r keeps the r-th
    contiguous N-th of every global batch (in order: shuffle each rank's shard or
    the data beforehand); `batch_size`, the global batch as on the other backends,
    is divided by N. Datasets and generators must be sharded by the
    caller (`dataset.shard(N, r)`), each yielding per-rank batches. Ranks other than
    0 run only the callbacks that decide together (`all_ranks = True`, stopping
    callbacks, which see logs averaged over the ranks) and print nothing, so
    checkpoints, samples and logs are written once.

    Returns:
        `(x, y, kwargs, callbacks)` for this process.
    """
    rank, count = backend.process_rank_and_count()
    if count == 1:
        return x, y, kwargs, callbacks
    if hasattr(x, "shape"):
        batch_size = kwargs.get("batch_size") or 32
        if batch_size % count:
            raise ValueError(
                f"batch_size {batch_size} is the global batch, split over {count} "
                f"ranks: make it a multiple of {count}."
            )
        kwargs["batch_size"] = batch_size // count
        rows = _rank_rows(len(x), batch_size, rank, count)
        x = x[rows]
        y = None if y is None else y[rows]
    if rank != 0:
        kwargs["verbose"] = 0
        callbacks = [c for c in callbacks if _runs_on_every_rank(c)]
    return x, y, kwargs, callbacks


def _rank_rows(n, batch_size, rank, count):
    """Rank `rank`'s rows: its contiguous share of each global batch, as a
    `tf.distribute` strategy splits a batch, so that rows pair with the latents
    `kerasgan.backend.replica_rows` gives the rank (WGAN-GP interpolates row i with fake i)."""
    usable = n // count * count
    rows = []
    for start in range(0, usable, batch_size):
        share = min(batch_size, usable - start) // count
        rows.append(np.arange(start + rank * share, start + (rank + 1) * share))
    return np.concatenate(rows)


def _runs_on_every_rank(callback):
    stopping = (keras.callbacks.EarlyStopping, keras.callbacks.TerminateOnNaN)
    return getattr(callback, "all_ranks", False) or isinstance(callback, stopping)
