"""Compiled inference: `generate`, `translate`, `decode` run a compiled function per shape.

`run_batches(model, key, fn, arrays, batch_size)` splits NumPy `arrays` into batches and
runs `fn(*tensors)` on each through a function compiled by the backend
(`kerasgan.backend.compile_inference`: a `tf.function` on TensorFlow, `jax.jit` over the
stateless call on JAX, eager `no_grad` on PyTorch), built once per `(key, batch shapes
and dtypes)` and cached on the model. `key` names everything `fn` depends on besides its
tensor arguments (the network, options such as a truncation ψ), so a cached function is
never reused for another computation. The compiled functions read the variables' current
values at every call: weights loaded later are used without recompiling.

`eager_generation()` runs the same functions eagerly (the reference the compiled path
is tested against, and the baseline of `scripts/bench_generate.py`).
"""

import contextlib

import numpy as np
from keras import ops

from kerasgan import backend

_eager = []


@contextlib.contextmanager
def eager_generation():
    """Within this context, `run_batches` calls its functions eagerly (no compilation)."""
    _eager.append(True)
    try:
        yield
    finally:
        _eager.pop()


def compiled_function(model, key, fn, tensors):
    """The cached compiled `fn` of `model` for `key` and the tensors' shapes and dtypes."""
    cache = model.__dict__.get("_compiled_inference")
    if cache is None:
        cache = {}
        # Set past Keras's attribute tracking: the cache is no state of the model (it
        # must not be saved, exported or counted as a layer's attribute).
        object.__setattr__(model, "_compiled_inference", cache)
    signature = tuple((tuple(t.shape), str(t.dtype)) for t in tensors)
    if (key, signature) not in cache:
        cache[(key, signature)] = backend.compile_inference(fn, model.variables)
    return cache[(key, signature)]


def run(model, key, fn, *arrays):
    """`fn` on one batch of NumPy `arrays`, compiled (or eager in `eager_generation`)."""
    tensors = [ops.convert_to_tensor(a) for a in arrays]
    if _eager:
        with backend.no_grad():
            return fn(*tensors)
    return compiled_function(model, key, fn, tensors)(*tensors)


def run_batches(model, key, fn, arrays, batch_size):
    """`fn` over `arrays` split along their first axis in batches of `batch_size`.

    Args:
        model: the model that owns the cache (and every variable `fn` reads).
        key: a hashable naming what `fn` computes besides its tensor inputs.
        fn: tensors → a tensor or a list of tensors (inference mode).
        arrays: NumPy arrays of equal length.
        batch_size: rows per call.

    Returns:
        float32 NumPy: one array, or a list of them when `fn` returns a list.
    """
    outputs = []
    for start in range(0, len(arrays[0]), batch_size):
        batch = [np.asarray(a[start : start + batch_size]) for a in arrays]
        result = run(model, key, fn, *batch)
        parts = list(result) if isinstance(result, (list, tuple)) else [result]
        outputs.append([ops.convert_to_numpy(ops.cast(x, "float32")) for x in parts])
    joined = [np.concatenate(chunks, axis=0) for chunks in zip(*outputs)]
    return joined if isinstance(result, (list, tuple)) else joined[0]
