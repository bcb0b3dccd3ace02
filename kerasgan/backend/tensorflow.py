"""TensorFlow adapter: one `tf.GradientTape` per phase, inside Keras's `tf.function`."""

import contextlib
import logging

import keras
import tensorflow as tf


def train_step(model, data):
    return model.gan_train_step(data)


def value_and_grad(loss_fn, variables):
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
    return loss, aux, tape.gradient(loss, variables)


def apply_gradients(optimizer, gradients, variables):
    optimizer.apply(gradients, variables)


def run_if(condition, fn):
    """Runs the stateful `fn()` when `condition` holds (a `tf.cond` in the graph)."""

    def run():
        fn()
        return tf.constant(True)

    tf.cond(tf.convert_to_tensor(condition), run, lambda: tf.constant(False))


def variables_kept_on_error(model):
    # TensorFlow's trainer never empties variables.
    return contextlib.nullcontext()


def input_gradient(fn, x):
    # A nested tape: the outer phase tape records this gradient, so penalties built on
    # it are differentiable with respect to the discriminator's weights.
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(tf.cast(fn(x), "float32"))
    return tape.gradient(total, x)


def no_grad():
    return contextlib.nullcontext()


def replica_index_and_count():
    """`(index, count)` of the replica running this code under a `tf.distribute`
    strategy (`MirroredStrategy`, `MultiWorkerMirroredStrategy`); `(0, 1)` outside one.

    The index is a tensor inside the replicated step; the count a Python int.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def scale_loss_for_replicas(loss):
    """Divides a replica's loss by the number of replicas, as Keras's own losses do.

    Each replica's loss is a mean over its share of the global batch and Keras's TF
    optimizers sum the replicas' gradients; divided so, the sum is the gradient of
    the mean over the global batch, the one-device gradient
    (`keras.src.losses.loss.scale_loss_for_distribution`).
    """
    count = tf.distribute.get_strategy().num_replicas_in_sync
    if count > 1:
        loss = loss * tf.cast(1.0 / count, loss.dtype)
    return loss


def process_rank_and_count():
    """`(rank, count)` of this process among those that shard the data themselves:
    always `(0, 1)` (a `tf.distribute` strategy distributes `fit`'s data)."""
    return 0, 1


def accelerators():
    """Names of the GPUs TensorFlow sees."""
    return [d.name for d in tf.config.list_physical_devices("GPU")]


# Large convolutional networks at inference (the FID Inception): XLA was slower than
# TF's graph in a one-core trial (docs/metrics.md).
HEAVY_INFERENCE_JIT_COMPILE = False

# TF's depthwise convolution beats shifted slices, whose strided-slice gradients
# are slow (scripts/bench_fir.py).
FIXED_FILTER_AS_SLICES = False


def compile_inference(fn, variables):
    """`fn` as one `tf.function`: it reads `variables` when it runs, not when traced."""
    del variables  # a tf.function captures variables by reference
    _inference_functions.add(getattr(fn, "__qualname__", ""))
    return tf.function(fn)


# kerasgan compiles an inference function once per batch shape (kerasgan.engine.inference
# caches one per shape), so a run that samples grids, reference slices and
# interpolations traces the same Python function a few times, by design. TensorFlow
# counts traces per Python function and then warns of "excessive retracing"; for these
# functions that warning is wrong, and to a new user it looks like a fault.
_inference_functions = set()


class _InferenceRetracingFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        return "triggered tf.function retracing" not in message or not any(
            f"<function {name} at" in message for name in _inference_functions if name
        )


logging.getLogger("tensorflow").addFilter(_InferenceRetracingFilter())


def cross_replica_moments(x, axes):
    # Keras's own all-reduce of the sums inside a tf.distribute replica context (the
    # default strategy's single replica otherwise).
    return keras.ops.moments(x, axes, synchronized=True)
