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


def run_if(condition, fn):
    """Runs the stateful `fn()` when `condition` holds, as one `jax.lax.cond`.

    Both branches are pure functions of every variable's value: the true branch
    runs `fn` in a StatelessScope over all of them and returns the values it leaves,
    the false branch returns them unchanged. The step is traced once whatever the
    step counter.
    """
    outer, all_variables, non_trainable = _active_steps[-1]

    def run(values):
        with keras.StatelessScope(state_mapping=list(zip(all_variables, values))) as inner:
            _active_steps.append((inner, all_variables, non_trainable))
            try:
                fn()
            finally:
                _active_steps.pop()
        return [inner.get_current_value(v) for v in all_variables]

    values = [outer.get_current_value(v) for v in all_variables]
    new_values = jax.lax.cond(condition, run, lambda values: values, values)
    for variable, value in zip(all_variables, new_values):
        variable.assign(value)


@contextlib.contextmanager
def variables_kept_on_error(model):
    """Restores the variables Keras emptied when `fit`/`evaluate` raise before a step.

    Keras's JAX trainer empties every variable before the first compiled step and
    writes the state back only from a step's outputs, so an error raised while the
    step is traced leaves the model without weights. The values are kept here by
    reference (no copy) and put back where Keras left a variable empty.
    """
    variables = _model_state_variables(model)
    values = [v._value for v in variables]
    try:
        yield
    except BaseException:
        for variable, value in zip(variables, values):
            if variable._value is None and value is not None and not _deleted(value):
                variable._value = value
        raise


def _deleted(value):
    return getattr(value, "is_deleted", lambda: False)()


def _model_state_variables(model):
    groups = [model.variables, model.metrics_variables]
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        groups.append(optimizer.variables)
    unique = {}
    for group in groups:
        for variable in group:
            unique.setdefault(id(variable), variable)
    return list(unique.values())


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


def replica_index_and_count():
    """Always `(0, 1)`: under `keras.distribution.DataParallel` the step is one
    program over the global batch (XLA shards it), so draws and means are global."""
    return 0, 1


def scale_loss_for_replicas(loss):
    # One global program: the mean over the global batch is already the loss.
    return loss


def process_rank_and_count():
    """Always `(0, 1)`: Keras's JAX distribution shards `fit`'s data itself."""
    return 0, 1


def accelerators():
    """Names of the non-CPU devices JAX sees."""
    return [str(d) for d in jax.devices() if d.platform != "cpu"]


# Large convolutional networks at inference: JAX's predict is jitted either way.
HEAVY_INFERENCE_JIT_COMPILE = True

# XLA's CPU depthwise convolution, forward and gradient, is ~10× slower than the
# same filter as shifted slices (scripts/bench_fir.py).
FIXED_FILTER_AS_SLICES = True


def compile_inference(fn, variables):
    """`fn` jitted as a pure function of the values of `variables` (every variable it
    reads must be among them: any other would be baked into the trace as a constant).

    The values are read at each call, so weights loaded after compiling are used.
    Assignments `fn` makes (none in inference) are dropped with the scope.
    """
    variables = list(variables)

    def pure(values, *args):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))):
            return fn(*args)

    jitted = jax.jit(pure)
    return lambda *args: jitted([v.value for v in variables], *args)


def cross_replica_moments(x, axes):
    # Under keras.distribution a step is one program over the global batch: its
    # moments are already the global batch's.
    return keras.ops.moments(x, axes)
