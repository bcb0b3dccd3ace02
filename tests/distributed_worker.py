"""Trains two tiny GANs for two steps, on one device or data-parallel, and saves the state.

Run by tests/test_distributed.py in fresh processes (a framework sees its devices
once, at start):

    python tests/distributed_worker.py one OUT.npz    # one device
    python tests/distributed_worker.py many OUT.npz   # two devices (or ranks)

KERAS_BACKEND chooses the framework and its data-parallel engine:
- jax: two host devices (XLA_FLAGS) and `keras.distribution.DataParallel`, and the
  DCGAN once more with `keras.distribution.ModelParallel` (its generator split);
- tensorflow: two logical CPUs and `tf.distribute.MirroredStrategy`;
- torch: `torch.distributed` with gloo; RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT
  come from the environment (as torchrun sets them), each rank writes OUT.rank<r>.npz.

The models: the DCGAN's networks with SGD (a summed instead of an averaged gradient
would double the step), and a spectrally normalized critic with WGAN-GP, an EMA
generator and Adam. The generators' batch norm computes the global batch's statistics
on every backend: `norm="sync_batch"` (`kerasgan.layers.SyncBatchNormalization`:
one program on JAX, Keras's `synchronized=True` all-reduce on TensorFlow, a
differentiable all-reduce of the sums on torch).
"""

import os
import sys

import numpy as np

BACKEND = os.environ["KERAS_BACKEND"]
MODE, OUT = sys.argv[1], sys.argv[2]
GLOBAL_BATCH = 8


def start_devices():
    """Makes two devices (or joins the ranks) before Keras initialises anything."""
    if MODE != "many":
        return None
    if BACKEND == "jax":
        os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
        return None
    if BACKEND == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
        return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    import torch.distributed

    torch.distributed.init_process_group("gloo")
    return None


STRATEGY = start_devices()

import keras  # noqa: E402

if BACKEND == "jax" and MODE == "many":
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=keras.distribution.list_devices())
    )

import kerasgan  # noqa: E402
from kerasgan.models.networks import ConvDiscriminator  # noqa: E402
from kerasgan.models.networks import ConvGenerator  # noqa: E402


def generator():
    # Cross-replica statistics (equal to plain batch norm on one device).
    return ConvGenerator(8, (16, 16, 1), filters=8, norm="sync_batch")


def dcgan():
    model = kerasgan.GAN(
        generator(), ConvDiscriminator((16, 16, 1), filters=8, dropout=0.0),
        latent_dim=8, seed=1,
    )
    model.compile(g_optimizer=keras.optimizers.SGD(0.1),
                  d_optimizer=keras.optimizers.SGD(0.1))
    return model


def sn_ema_wgan_gp():
    model = kerasgan.GAN(
        generator(),
        ConvDiscriminator((16, 16, 1), filters=8, dropout=0.0, spectral_norm=True),
        latent_dim=8, seed=2, ema_decay=0.9,
    )
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3),
                  d_optimizer=keras.optimizers.Adam(1e-3),
                  loss="wasserstein", gradient_penalty="wgan_gp")
    return model


def replica_spread(variable):
    """The largest difference between a variable's copies on the devices."""
    if BACKEND == "tensorflow" and STRATEGY is not None:
        copies = [np.asarray(c) for c in STRATEGY.experimental_local_results(variable.value)]
        return max(float(np.max(np.abs(c - copies[0]), initial=0.0)) for c in copies)
    if BACKEND == "jax" and MODE == "many":
        return 0.0  # one array per variable, replicated or split (no copies to differ)
    return 0.0  # torch: each rank writes its own file; the test compares them


def device_count():
    """The devices (or ranks) one step runs on."""
    if STRATEGY is not None:
        return STRATEGY.num_replicas_in_sync
    distribution = keras.distribution.distribution()
    if distribution is not None:
        return distribution.device_mesh.devices.size
    return kerasgan.backend.replica_index_and_count()[1]


def model_parallel():
    """JAX: the generator's first dense and transposed-convolution kernels split
    over two devices along their output features (`keras.distribution.ModelParallel`
    with a `LayoutMap`; the batch is not split)."""
    mesh = keras.distribution.DeviceMesh(
        (1, 2), ("batch", "model"), keras.distribution.list_devices()
    )
    layouts = keras.distribution.LayoutMap(mesh)
    layouts["^dense/kernel"] = (None, "model")
    layouts["^conv2d_transpose(_1)?/kernel"] = (None, None, "model", None)
    return keras.distribution.ModelParallel(layout_map=layouts, batch_dim_name="batch")


def train(build, key, results, scope=None):
    if BACKEND == "jax":
        keras.backend.clear_session()  # the same layer names (the layout map's paths)
    keras.utils.set_random_seed(0)
    images = np.random.default_rng(0).uniform(-1, 1, (2 * GLOBAL_BATCH, 16, 16, 1))
    scope = scope or (STRATEGY.scope() if STRATEGY is not None else None)
    if scope is not None:
        with scope:
            model = build()
    else:
        model = build()
    initial = [keras.ops.convert_to_numpy(v) for v in model.trainable_variables]
    history = model.fit(images.astype("float32"), batch_size=GLOBAL_BATCH, epochs=1,
                        shuffle=False, verbose=0)
    variables = model.variables + [
        v for v in model.optimizer.variables if id(v) not in {id(w) for w in model.variables}
    ]
    spread = 0.0
    for i, variable in enumerate(variables):
        results[f"{key}/{i:03d}/{variable.path}"] = keras.ops.convert_to_numpy(variable)
        spread = max(spread, replica_spread(variable))
    results[f"{key}/spread"] = np.float64(spread)
    if BACKEND == "jax":
        results[f"{key}/sharded"] = np.int64(sum(
            not v.value.sharding.is_fully_replicated for v in model.variables
        ))
    # The share of trainable variables that moved more than 1e-4 (a WGAN critic's
    # output bias has no gradient).
    results[f"{key}/moved"] = np.mean([
        float(np.max(np.abs(keras.ops.convert_to_numpy(v) - start))) > 1e-4
        for v, start in zip(model.trainable_variables, initial)
    ])
    for name, values in history.history.items():
        results[f"{key}/log/{name}"] = np.float64(values[-1])


def main():
    results = {"devices": np.int64(device_count())}
    train(dcgan, "dcgan", results)
    train(sn_ema_wgan_gp, "sn_ema_wgan_gp", results)
    if BACKEND == "jax" and MODE == "many":
        train(dcgan, "dcgan_model_parallel", results, scope=model_parallel().scope())
    out = OUT
    if BACKEND == "torch" and MODE == "many":
        import torch.distributed

        out = f"{OUT}.rank{torch.distributed.get_rank()}.npz"
        torch.distributed.destroy_process_group()
    np.savez(out, **results)


if __name__ == "__main__":
    main()
