"""Backend adapters: the only package of kerasgan that imports TensorFlow, JAX or PyTorch.

The adapter is chosen once, at import, from `keras.backend.backend()`. Each adapter module
exposes the same small interface:

- `train_step(model, *args)`: calls `model.gan_train_step(data)` with the arguments Keras
  passes to `Model.train_step` on that backend (`(data,)`, or `(state, data)` on JAX) and
  returns what Keras expects back.
- `value_and_grad(loss_fn, variables)`: runs `loss_fn()` (which returns `(loss, aux)`) and
  returns `(loss, aux, gradients)` of `loss` with respect to `variables`.
- `apply_gradients(optimizer, gradients, variables)`.
- `input_gradient(fn, x)`: the gradient of `sum(fn(x))` with respect to `x`, itself
  differentiable (gradient penalties).
- `run_if(condition, fn)`: runs the stateful `fn()` inside the step when the scalar
  `condition` holds, without retracing (a `tf.cond`, a `jax.lax.cond`, an eager `if`).
- `variables_kept_on_error(model)`: a context manager around `fit`/`evaluate` that
  leaves the model's variables intact when they raise (JAX empties them).
- `no_grad()`: a context manager in which no gradient graph is recorded.
- `accelerators()`: names of the GPUs the framework sees (hardware records).
- `replica_index_and_count()`: `(index, count)` of the replica running the step
  (a `tf.distribute` replica, a `torch.distributed` rank); `(0, 1)` on one device and
  under JAX's `keras.distribution` (one global program).
- `scale_loss_for_replicas(loss)`: the loss whose gradients, combined as the
  framework combines replicas' gradients, give the one-device gradient.
- `process_rank_and_count()`: `(rank, count)` when each process must be given its own
  shard of the data (`torch.distributed`); `(0, 1)` elsewhere.
- `cross_replica_moments(x, axes)`: `(mean, variance)` of `x` over `axes` and over
  the global batch of a data-parallel step (every replica's rows), differentiable,
  as `keras.ops.moments` computes them on one device.
- `replica_rows(draw, batch_size)`: this replica's rows of a random draw for the
  global batch (backend-agnostic, on the function above).
- `compile_inference(fn, variables)`: `fn(*tensors)` (inference only, no state kept)
  compiled once for the shapes it is first called with; it reads the current values of
  `variables` at every call, so loading new weights needs no recompilation.
- `HEAVY_INFERENCE_JIT_COMPILE`: the `jit_compile` that runs a large convolutional
  network's `predict_on_batch` fastest (the FID Inception; measured per backend).
- `FIXED_FILTER_AS_SLICES`: whether a fixed per-channel filter (StyleGAN2's FIR
  resampling) runs as sums of shifted slices (True) or as a depthwise convolution
  (False), whichever trains faster on this backend (scripts/bench_fir.py).

docs/distributed.md describes data-parallel training on each backend.
"""

import sys

import keras


def _refuse_a_shadowing_folder():
    """Stops with a clear message when `kerasgan` was imported from a plain folder.

    A folder named `kerasgan` in the working directory (a clone of the repository, or
    any folder) is found before an editable install and imported as an empty
    namespace package: `kerasgan.metrics` then fails with "module 'kerasgan' has no
    attribute 'metrics'". The subpackages still load through the editable install's
    finder, so this check, which every subpackage reaches, says what happened.
    """
    package = sys.modules.get("kerasgan")
    if package is None or getattr(package, "__file__", None) is not None:
        return
    folders = ", ".join(str(path) for path in getattr(package, "__path__", []))
    raise ImportError(
        f"'import kerasgan' found the folder {folders} instead of the kerasgan "
        "package: a folder named kerasgan in the current directory (a clone of the "
        "repository?) hides the installed package, because Python looks in the "
        "current directory first. Run Python from another directory (inside the clone "
        "works too), or rename the folder."
    )


_refuse_a_shadowing_folder()

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from kerasgan.backend import tensorflow as _adapter
elif _BACKEND == "jax":
    from kerasgan.backend import jax as _adapter
elif _BACKEND == "torch":
    from kerasgan.backend import torch as _adapter
else:
    raise ImportError(
        f"kerasgan supports the Keras backends 'tensorflow', 'jax' and 'torch'; "
        f"KERAS_BACKEND is {_BACKEND!r}. Set KERAS_BACKEND to one of them before "
        "importing keras."
    )

name = _BACKEND
train_step = _adapter.train_step
value_and_grad = _adapter.value_and_grad
apply_gradients = _adapter.apply_gradients
input_gradient = _adapter.input_gradient
no_grad = _adapter.no_grad
run_if = _adapter.run_if
variables_kept_on_error = _adapter.variables_kept_on_error
accelerators = _adapter.accelerators
compile_inference = _adapter.compile_inference
HEAVY_INFERENCE_JIT_COMPILE = _adapter.HEAVY_INFERENCE_JIT_COMPILE
FIXED_FILTER_AS_SLICES = _adapter.FIXED_FILTER_AS_SLICES
replica_index_and_count = _adapter.replica_index_and_count
scale_loss_for_replicas = _adapter.scale_loss_for_replicas
process_rank_and_count = _adapter.process_rank_and_count
cross_replica_moments = _adapter.cross_replica_moments


def replica_rows(draw, batch_size):
    """This replica's rows of `draw(global batch size)`.

    Every replica draws the same global batch from the same (mirrored) RNG state
    and keeps rows `[index·b, (index+1)·b)`, `b = batch_size` (its share, the same
    rows of the global batch as its real data), so the replicas' draws differ, their
    RNG states stay equal, and together they are the draw of one device given the
    global batch. On one device (and on JAX, whose step is one global program) it is
    `draw(batch_size)`.

    Args:
        draw: a function of the number of rows returning a tensor with that many.
        batch_size: the number of rows this replica needs.
    """
    index, count = replica_index_and_count()
    if count == 1:
        return draw(batch_size)
    rows = draw(batch_size * count)
    return keras.ops.take(rows, keras.ops.arange(batch_size) + index * batch_size, axis=0)
