"""JAX adapter: the whole step runs in one `keras.StatelessScope` over Keras's state.

Keras calls `train_step(state, data)` under `jax.jit` with the values of every variable
(trainable, non-trainable, optimizer, metrics) and writes back only what is returned.
The GAN step itself is written statefully (layers and optimizers read and assign
variables as usual); the outer scope turns those reads and writes into pure values
(keras-team/keras#18881). Each phase's gradient is `jax.value_and_grad` over a function
that maps the phase's trainable variables to its arguments in an inner scope and
returns the non-trainable updates it made (batch-norm statistics, RNG state,
spectral-norm vectors) as auxiliary output, which are then assigned in the outer scope.
"""

import contextlib

import jax
import jax.numpy as jnp
import keras

# (outer scope, all variables, non-trainable variables) of the step being traced.
_active_steps = []


def train_step(model, state, data):
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model.metrics_variables,
    )
    variables = [v for group in groups for v in group]
    values = [value for group in state for value in group]
    with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
        _active_steps.append((scope, variables, model.non_trainable_variables))
        try:
            logs = model.gan_train_step(data)
        finally:
            _active_steps.pop()
    new_state = tuple([scope.get_current_value(v) for v in group] for group in groups)
    return logs, new_state


def value_and_grad(loss_fn, variables):
    if not _active_steps:
        raise RuntimeError(
            "kerasgan's JAX value_and_grad runs inside a GAN train step only "
            "(call it from `train_step`, which Keras's fit() drives)."
        )
    outer, all_variables, non_trainable = _active_steps[-1]
    targets = {id(v) for v in variables}
    others = [v for v in all_variables if id(v) not in targets]

    def pure_loss(values):
        mapping = [(v, outer.get_current_value(v)) for v in others]
        mapping += list(zip(variables, values))
        with keras.StatelessScope(state_mapping=mapping) as inner:
            loss, aux = loss_fn()
        updates = [inner.get_current_value(v) for v in non_trainable]
        return loss, (aux, updates)

    initial = [outer.get_current_value(v) for v in variables]
    (loss, (aux, updates)), gradients = jax.value_and_grad(pure_loss, has_aux=True)(
        initial
    )
    for variable, value in zip(non_trainable, updates):
        variable.assign(value)
    return loss, aux, gradients


def apply_gradients(optimizer, gradients, variables):
    # Keras's own JAX trainer uses stateless_apply: a stateful apply() traced here
    # would leak tracers through conditionals (LossScaleOptimizer's dynamic scale).
    outer = _active_steps[-1][0]
    new_variables, new_optimizer_variables = optimizer.stateless_apply(
        [outer.get_current_value(v) for v in optimizer.variables],
        gradients,
        [outer.get_current_value(v) for v in variables],
    )
    for variable, value in zip(variables, new_variables):
        variable.assign(value)
    for variable, value in zip(optimizer.variables, new_optimizer_variables):
        variable.assign(value)


def input_gradient(fn, x):
    return jax.grad(lambda inputs: jnp.sum(fn(inputs).astype("float32")))(x)


def no_grad():
    return contextlib.nullcontext()


def accelerators():
    """Names of the non-CPU devices JAX sees."""
    return [str(d) for d in jax.devices() if d.platform != "cpu"]
