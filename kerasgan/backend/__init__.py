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
"""

import keras

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
