"""Train-step benchmark: kerasgan's `fit()` against the same GAN written natively.

For each backend (TensorFlow, JAX, PyTorch) and model (the reference DCGAN and the
vanilla MLP GAN) this times one GAN train step two ways:

* kerasgan: `kerasgan.models.DCGAN(latent_dim=100, data_shape=(28, 28, 1))` or
  `kerasgan.models.VanillaGAN(latent_dim=64, data_shape=(28, 28, 1))`, compiled with
  two `Adam(2e-4, beta_1=0.5)` and `loss="non_saturating"`, trained by `gan.fit()` on an
  in-memory float32 array in [-1, 1] (`verbose=0`, Keras's defaults otherwise: on a
  CPU-only TensorFlow that is a `tf.function` without XLA, on JAX a `jax.jit`, on
  torch eager).
* native: the same layers, shapes and step in the framework's own code, no Keras:
  raw `tf.Variable`s + `tf.nn` in a `tf.function` with `tf.GradientTape`; pure
  `jax.numpy`/`jax.lax` under one `jax.jit` with a hand-written Adam; `torch.nn` +
  `torch.optim.Adam`, eager.

Both run the algorithm of `GAN.gan_train_step`: the D phase draws fresh latents,
computes `fake = stop_gradient(G(z, training=True))`, `D(real)` and `D(fake)` in two
calls (dropout on), the logistic loss `mean(softplus(-real)) + mean(softplus(fake))`
and one Adam step on D; the G phase draws fresh latents and takes one Adam step on G
for `mean(softplus(-D(G(z))))`. G's batch-norm statistics update in both phases.

How it is timed (per step, in a subprocess of its own so that imports, thread pools
and peak memory do not mix):

1. compile: wall time of the very first step, tracing and compiling included (for
   kerasgan, `fit` on one batch, so also fit's own set-up).
2. warm-up: `--warmup` steps, not timed.
3. steady state: `--steps + 1` steps in one go (one `fit` call for kerasgan). A clock
   is read after each step *once its losses are on the host*; the `--steps` intervals
   between consecutive reads are the per-step times, of which the median is reported
   (with p10 and p90). On JAX and TF dispatch is asynchronous, so a clock read when a
   call returns would time the dispatch, not the work. kerasgan's `fit` waits for
   every step anyway: its NaN guard callback is not `async_safe`, so Keras converts
   the logs to Python floats at each batch end, and the timing callback runs after
   that. The native loops do the same: they convert both losses to Python floats
   every step. The intervals therefore contain the step, the host sync and the loop's
   own per-step overhead (Keras's data adapter and callbacks for kerasgan), which is
   what a user waits for. The mean over the whole timed run (wall / steps) is kept in
   the JSON output as a cross-check.
4. peak memory: the subprocess's peak resident set size (`ru_maxrss`).
5. other load: the machine may be shared, so each row also reports how many cores
   other processes kept busy during its timed steps (/proc/stat minus this
   process's CPU time). Rows above ~0.1 were measured under contention; `--repeats`
   runs the implementations in alternating rounds and keeps each row's fastest round.

torch threads: kerasgan chooses torch's intra-op thread count at import
(`kerasgan/backend/torch.py`); the native row is given the count the kerasgan row
reported, so both use the same. BENCH_TORCH_THREADS=n overrides it for every row.

Diagnostics: `--breakdown` adds torch rows that run kerasgan's Keras networks in the
native torch loop (with torch.optim.Adam, then with Keras's Adam), splitting the
kerasgan/native gap between Keras's layers, Keras's optimizer and kerasgan's step;
`--conv-ops` times the DCGAN's five convolutions alone (forward, kernel gradient,
input gradient) in each framework.

Usage:

    python scripts/bench_train_step.py                      # everything, a text table
    python scripts/bench_train_step.py --quick              # smoke run, few steps
    python scripts/bench_train_step.py --backends jax --models dcgan --markdown
    python scripts/bench_train_step.py --backends torch --breakdown --repeats 3
    python scripts/bench_train_step.py --conv-ops --markdown
    KERAS_BACKEND=torch python scripts/bench_train_step.py --torch-ops --markdown
    python scripts/bench_train_step.py --models dcgan --configs jit bf16 keras_io \
        --breakdown --repeats 2 --steps 40 --markdown      # issue 17's levers
    python scripts/bench_train_step.py --models stylegan stylegan_every_step \
        stylegan_no_regularizers big_gan progan --batch-size 32 --steps 63 --markdown

The last: StyleGAN2, BigGAN and ProGAN at 32×32 (issue 14, part 7), and the cost of
StyleGAN2's lazy regularization (R1 every 16 steps, path length every 4) against
running both every step (interval 1), each measured as the extra ms/step over the
same model without regularizers; a second table gives it when those three rows ran.
A lazy phase runs in few steps, so the median misses it: that table uses the mean
over the timed steps, which holds each lazy phase's exact share when their number
(`--steps` + 1: 64) is a multiple of 16.

Results and their analysis: docs/performance.md.
"""

import argparse
import functools
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

BACKENDS = ("tensorflow", "jax", "torch")
STYLEGAN_ROWS = ("stylegan", "stylegan_every_step", "stylegan_no_regularizers")
MODELS = ("dcgan", "vanilla", *STYLEGAN_ROWS, "big_gan", "progan")
# The rows of a run without --models; StyleGAN2's, BigGAN's and ProGAN's rows have no
# native implementation.
DEFAULT_MODELS = ("dcgan", "vanilla")
KERASGAN_ONLY = (*STYLEGAN_ROWS, "big_gan", "progan")
STYLEGAN_SHAPE = (32, 32, 1)  # the 32×32 rows: StyleGAN2, BigGAN and ProGAN
BIG_GAN_CLASSES = 10
IMPLEMENTATIONS = ("kerasgan", "native")
# --configs: other ways to run the same model, each an implementation row of its own,
# with the backends it applies to (JAX's fit is always jitted, so "jit" adds nothing
# there; keras-io's examples run on TensorFlow only).
CONFIGS = {
    "jit": ("kerasgan+jit_compile", ("tensorflow", "torch")),
    "bf16": ("kerasgan+mixed_bfloat16", BACKENDS),
    "keras_io": ("keras-io GradientTape", ("tensorflow",)),
}
CONFIG_IMPLS = tuple(impl for impl, _ in CONFIGS.values())
IMAGE_SHAPE = (28, 28, 1)
LATENT_DIM = {"dcgan": 100, "vanilla": 64}
LEARNING_RATE, BETA_1, BETA_2, ADAM_EPSILON = 2e-4, 0.5, 0.999, 1e-7
# Keras defaults the native nets copy.
BN_MOMENTUM, BN_EPSILON = 0.99, 1e-3
G_LEAKY_SLOPE, D_LEAKY_SLOPE, DROPOUT = 0.3, 0.2, 0.3
VANILLA_HIDDEN = (256, 512)
RESULT_PREFIX = "BENCH_RESULT "


# =============================================================================
# torch threads: the native loop runs with the threads kerasgan ended up with
# =============================================================================
THREADS_ENV = "BENCH_TORCH_THREADS"


def apply_torch_thread_override():
    """Sets torch's intra-op threads from BENCH_TORCH_THREADS, if given.

    The orchestrator passes the count the kerasgan row reported to the native row, so
    both run with the same threads (kerasgan picks its count at import, see
    docs/performance.md); set it yourself to compare counts. Called after kerasgan
    is imported, so that an explicit value wins over the library's choice.
    """
    threads = os.environ.get(THREADS_ENV)
    if threads:
        import torch

        torch.set_num_threads(int(threads))


# =============================================================================
# shared helpers
# =============================================================================
def random_images(num_batches, batch_size, seed=0, image_shape=IMAGE_SHAPE):
    """Uniform float32 "images" in [-1, 1]: no dataset I/O inside the timing."""
    import numpy as np

    rng = np.random.default_rng(seed)
    shape = (num_batches * batch_size, *image_shape)
    return rng.uniform(-1.0, 1.0, shape).astype("float32")


def glorot_uniform(rng, shape, fan_in, fan_out):
    """Keras's default kernel initializer, so the natives start from similar weights."""
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype("float32")


def dcgan_weights(seed=0):
    """NumPy weights of the reference DCGAN, in Keras's kernel layouts.

    Dense (in, out); Conv2D (h, w, in, out); Conv2DTranspose (h, w, out, in).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    latent = LATENT_DIM["dcgan"]
    zeros, ones = (lambda n: np.zeros(n, "float32")), (lambda n: np.ones(n, "float32"))
    generator = {
        "dense": glorot_uniform(rng, (latent, 7 * 7 * 256), latent, 7 * 7 * 256),
        "bn0_gamma": ones(7 * 7 * 256),
        "bn0_beta": zeros(7 * 7 * 256),
        "convt1": glorot_uniform(rng, (5, 5, 128, 256), 25 * 256, 25 * 128),
        "bn1_gamma": ones(128),
        "bn1_beta": zeros(128),
        "convt2": glorot_uniform(rng, (5, 5, 64, 128), 25 * 128, 25 * 64),
        "bn2_gamma": ones(64),
        "bn2_beta": zeros(64),
        "convt3": glorot_uniform(rng, (5, 5, 1, 64), 25 * 64, 25),
        "convt3_bias": zeros(1),
    }
    bn_stats = {
        f"bn{i}_{kind}": (zeros if kind == "mean" else ones)(n)
        for i, n in enumerate((7 * 7 * 256, 128, 64))
        for kind in ("mean", "var")
    }
    discriminator = {
        "conv1": glorot_uniform(rng, (5, 5, 1, 64), 25, 25 * 64),
        "conv1_bias": zeros(64),
        "conv2": glorot_uniform(rng, (5, 5, 64, 128), 25 * 64, 25 * 128),
        "conv2_bias": zeros(128),
        "dense": glorot_uniform(rng, (7 * 7 * 128, 1), 7 * 7 * 128, 1),
        "dense_bias": zeros(1),
    }
    return generator, bn_stats, discriminator


def vanilla_weights(seed=0):
    """NumPy weights of the vanilla MLPs: G 64→256→512→784, D 784→512→256→1."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pixels = math.prod(IMAGE_SHAPE)

    def mlp(sizes):
        layers = {}
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers[f"w{i}"] = glorot_uniform(rng, (fan_in, fan_out), fan_in, fan_out)
            layers[f"b{i}"] = np.zeros(fan_out, "float32")
        return layers

    generator = mlp((LATENT_DIM["vanilla"], *VANILLA_HIDDEN, pixels))
    discriminator = mlp((pixels, *VANILLA_HIDDEN[::-1], 1))
    return generator, {}, discriminator


def weights_for(model):
    return dcgan_weights() if model == "dcgan" else vanilla_weights()


class OtherLoad:
    """Average number of cores that *other* processes kept busy while this one ran.

    The box is shared: a number above ~0.1 means the row was measured under contention.
    Read from /proc/stat (all CPUs' busy time) minus this process's own CPU time.
    """

    def __enter__(self):
        self.busy, self.own = self._busy_seconds(), self._own_seconds()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        busy = self._busy_seconds() - self.busy
        own = self._own_seconds() - self.own
        wall = time.perf_counter() - self.wall
        unreadable = self.busy < 0
        self.cores = None if unreadable else max(busy - own, 0.0) / wall

    @staticmethod
    def _busy_seconds():
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except OSError:
            return -1.0
        idle = fields[3] + fields[4]  # idle + iowait
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own_seconds():
        times = os.times()
        return times.user + times.system


def count_parameters(tree):
    return int(sum(math.prod(v.shape) for v in tree.values()))


# =============================================================================
# kerasgan
# =============================================================================
def build_kerasgan(model, jit_compile="auto"):
    import keras

    import kerasgan

    if model == "progan":
        # ProGAN at 32×32 with the paper's defaults, in the last stage's fade-in
        # (both the new and the old toRGB/fromRGB paths run: its dearest step).
        gan = kerasgan.models.ProGAN(latent_dim=128, data_shape=STYLEGAN_SHAPE, seed=0,
                                     stage=3, fade_images=10**9)
        gan.compile()
        return gan
    if model in STYLEGAN_ROWS:
        # StyleGAN2 at 32×32 with the paper's defaults: lazy R1 every 16 steps and
        # path length every 4; or ("stylegan_every_step") both in every step, which
        # is the overhead lazy regularization saves; or neither, the baseline.
        every_step = model == "stylegan_every_step"
        intervals = {"r1_interval": 1, "pl_interval": 1} if every_step else {}
        gan = kerasgan.models.StyleGAN(latent_dim=128, data_shape=STYLEGAN_SHAPE, seed=0,
                                       **intervals)
        gan.compile(**({"regularizers": []} if model == "stylegan_no_regularizers" else {}))
        return gan
    if model == "big_gan":
        # BigGAN at 32×32, the paper's setup (hinge loss, TTUR, two D steps per G step
        # on the halves of the fit batch, orthogonal regularization of G every step).
        gan = kerasgan.models.BigGAN(num_classes=BIG_GAN_CLASSES, data_shape=STYLEGAN_SHAPE,
                                     seed=0)
        gan.compile()
        return gan
    if model == "dcgan":
        gan = kerasgan.models.DCGAN(
            latent_dim=LATENT_DIM["dcgan"], data_shape=IMAGE_SHAPE, seed=0
        )
    else:
        gan = kerasgan.models.VanillaGAN(
            latent_dim=LATENT_DIM["vanilla"], data_shape=IMAGE_SHAPE, seed=0
        )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1),
        d_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1),
        loss="non_saturating",
        jit_compile=jit_compile,
    )
    return gan


def build_keras_io(model):
    """The same networks trained the way keras-io's DCGAN example writes its step.

    keras-io's "DCGAN overriding `Model.train_step`" (TensorFlow only): one
    `tf.GradientTape` per network, D on the concatenation of fakes and reals in one
    call, label noise, `BinaryCrossentropy(from_logits=True)`. The networks, their
    `training=True` calls (batch-norm statistics, dropout) and the Adam settings are
    kerasgan's, so only the step differs.
    """
    import keras
    import tensorflow as tf

    gan = build_kerasgan(model)
    generator, discriminator = gan.generator, gan.discriminator
    latent = LATENT_DIM[model]

    class KerasIOGAN(keras.Model):
        def __init__(self):
            super().__init__()
            self.generator, self.discriminator = generator, discriminator
            self.seed_generator = keras.random.SeedGenerator(0)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        def compile(self, **kwargs):
            super().compile(**kwargs)
            self.d_optimizer = keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1)
            self.g_optimizer = keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1)

        def train_step(self, real):
            batch = tf.shape(real)[0]
            z = keras.random.normal((batch, latent), seed=self.seed_generator)
            combined = tf.concat([self.generator(z, training=True), real], axis=0)
            labels = tf.concat([tf.ones((batch, 1)), tf.zeros((batch, 1))], axis=0)
            labels += 0.05 * keras.random.uniform(tf.shape(labels), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined, training=True))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
            z = keras.random.normal((batch, latent), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                fake_logits = self.discriminator(self.generator(z, training=True),
                                                 training=True)
                g_loss = self.loss_fn(tf.zeros((batch, 1)), fake_logits)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            return {"d_loss": d_loss, "g_loss": g_loss}

    keras_io = KerasIOGAN()
    keras_io.compile()
    return keras_io


def build_for(model, impl):
    """The model a kerasgan-style row trains with `fit`: kerasgan's, possibly under
    another configuration (--configs), or keras-io's step on the same networks."""
    if impl == "keras-io GradientTape":
        return build_keras_io(model)
    if impl == "kerasgan+mixed_bfloat16":
        import keras

        keras.config.set_dtype_policy("mixed_bfloat16")
    return build_kerasgan(model, jit_compile=True if impl == "kerasgan+jit_compile" else "auto")


def batch_end_clock():
    """A callback stamping the clock at each batch end (logs are already host floats)."""
    import keras

    class BatchEndClock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.stamps = []

        def on_train_batch_end(self, batch, logs=None):
            self.stamps.append(time.perf_counter())

    return BatchEndClock()


def keras_ops_value(variable):
    import keras

    return keras.ops.convert_to_numpy(variable)


def phase_updates(gan, key, steps):
    """The updates the optimizer `key` makes in `steps` steps, from the phases."""
    return sum(
        len(range(0, steps, phase.interval)) * phase.repeats
        for phase in gan.phases()
        if phase.optimizer == key
    )


def class_labels(model, images):
    """Labels cycling through the classes for the conditional row (BigGAN), else None."""
    import numpy as np

    return np.arange(len(images)) % BIG_GAN_CLASSES if model == "big_gan" else None


def run_kerasgan(model, steps, warmup, batch_size, impl="kerasgan"):
    gan = build_for(model, impl)
    shape = STYLEGAN_SHAPE if model in KERASGAN_ONLY else IMAGE_SHAPE
    first = random_images(1, batch_size, seed=1, image_shape=shape)
    warm = random_images(warmup, batch_size, seed=2, image_shape=shape)
    timed = random_images(steps + 1, batch_size, seed=3, image_shape=shape)
    labels = functools.partial(class_labels, model)

    start = time.perf_counter()
    gan.fit(first, labels(first), batch_size=batch_size, epochs=1, verbose=0)
    compile_s = time.perf_counter() - start
    if warmup:  # fit refuses an empty array
        gan.fit(warm, labels(warm), batch_size=batch_size, epochs=1, verbose=0)

    clock = batch_end_clock()
    with OtherLoad() as load:
        start = time.perf_counter()
        gan.fit(timed, labels(timed), batch_size=batch_size, epochs=1, verbose=0,
                callbacks=[clock])
        wall_s = time.perf_counter() - start
    params = {
        "g": int(sum(math.prod(v.shape) for v in gan.generator.trainable_variables)),
        "d": int(sum(math.prod(v.shape) for v in gan.discriminator.trainable_variables)),
    }
    # Sanity: after fit both optimizers must have counted every step of their phases
    # (DESIGN.md §1; a lazy phase adds an update every `interval` steps).
    total_steps = 1 + warmup + steps + 1
    iterations = [
        int(keras_ops_value(gan.g_optimizer.iterations)),
        int(keras_ops_value(gan.d_optimizer.iterations)),
    ]
    expected = (
        [phase_updates(gan, key, total_steps) for key in ("g", "d")]
        if hasattr(gan, "phases")
        else [total_steps, total_steps]  # keras-io: one update of each per step
    )
    if iterations != expected:
        raise RuntimeError(f"optimizer iterations {iterations} != {expected} after "
                           f"{total_steps} steps")
    return compile_s, clock.stamps, wall_s, params, load.cores


# =============================================================================
# native TensorFlow: tf.Variable + tf.nn in a tf.function, tf.GradientTape
# =============================================================================
class TFAdam:
    """Adam as Keras writes it (bias-corrected step size, epsilon outside the sqrt)."""

    def __init__(self, variables):
        import tensorflow as tf

        self.iterations = tf.Variable(0.0)
        self.m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v)) for v in variables]

    def apply(self, gradients, variables):
        import tensorflow as tf

        self.iterations.assign_add(1.0)
        t = self.iterations
        step_size = LEARNING_RATE * tf.sqrt(1.0 - BETA_2**t) / (1.0 - BETA_1**t)
        for g, var, m, v in zip(gradients, variables, self.m, self.v):
            m.assign_add((g - m) * (1.0 - BETA_1))
            v.assign_add((tf.square(g) - v) * (1.0 - BETA_2))
            var.assign_sub(step_size * m / (tf.sqrt(v) + ADAM_EPSILON))


def tf_batch_norm(x, axes, gamma, beta, stats, name):
    """Training-mode batch norm: batch moments, moving-average update (Keras's ops)."""
    import tensorflow as tf

    mean, variance = tf.nn.moments(x, axes)
    stats[f"{name}_mean"].assign(
        stats[f"{name}_mean"] * BN_MOMENTUM + mean * (1 - BN_MOMENTUM)
    )
    stats[f"{name}_var"].assign(
        stats[f"{name}_var"] * BN_MOMENTUM + variance * (1 - BN_MOMENTUM)
    )
    return tf.nn.batch_normalization(x, mean, variance, beta, gamma, BN_EPSILON)


def tf_conv_transpose(x, kernel, stride):
    import tensorflow as tf

    batch, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
    out_shape = tf.stack([batch, height * stride, width * stride, kernel.shape[2]])
    return tf.nn.conv2d_transpose(x, kernel, out_shape, stride, "SAME")


def tf_dcgan(g, stats, d):
    import tensorflow as tf

    def generator(z):
        x = tf.matmul(z, g["dense"])
        x = tf.nn.leaky_relu(
            tf_batch_norm(x, [0], g["bn0_gamma"], g["bn0_beta"], stats, "bn0"),
            G_LEAKY_SLOPE,
        )
        x = tf.reshape(x, (-1, 7, 7, 256))
        for i, stride in ((1, 1), (2, 2)):
            x = tf_conv_transpose(x, g[f"convt{i}"], stride)
            x = tf_batch_norm(
                x, [0, 1, 2], g[f"bn{i}_gamma"], g[f"bn{i}_beta"], stats, f"bn{i}"
            )
            x = tf.nn.leaky_relu(x, G_LEAKY_SLOPE)
        return tf.tanh(
            tf.nn.bias_add(tf_conv_transpose(x, g["convt3"], 2), g["convt3_bias"])
        )

    def discriminator(x):
        for i in (1, 2):
            x = tf.nn.bias_add(
                tf.nn.conv2d(x, d[f"conv{i}"], 2, "SAME"), d[f"conv{i}_bias"]
            )
            x = tf.nn.dropout(tf.nn.leaky_relu(x, D_LEAKY_SLOPE), DROPOUT)
        x = tf.reshape(x, (tf.shape(x)[0], -1))
        return tf.matmul(x, d["dense"]) + d["dense_bias"]

    return generator, discriminator


def tf_vanilla(g, stats, d):
    import tensorflow as tf

    def generator(z):
        x = tf.nn.relu(tf.matmul(z, g["w0"]) + g["b0"])
        x = tf.nn.relu(tf.matmul(x, g["w1"]) + g["b1"])
        return tf.reshape(tf.tanh(tf.matmul(x, g["w2"]) + g["b2"]), (-1, *IMAGE_SHAPE))

    def discriminator(x):
        x = tf.reshape(x, (tf.shape(x)[0], -1))
        x = tf.nn.leaky_relu(tf.matmul(x, d["w0"]) + d["b0"], D_LEAKY_SLOPE)
        x = tf.nn.leaky_relu(tf.matmul(x, d["w1"]) + d["b1"], D_LEAKY_SLOPE)
        return tf.matmul(x, d["w2"]) + d["b2"]

    return generator, discriminator


def tf_native_step(model, batch_size):
    import tensorflow as tf

    g_np, stats_np, d_np = weights_for(model)
    g = {k: tf.Variable(v, name=k) for k, v in g_np.items()}
    d = {k: tf.Variable(v, name=k) for k, v in d_np.items()}
    stats = {k: tf.Variable(v, trainable=False, name=k) for k, v in stats_np.items()}
    generator, discriminator = (tf_dcgan if model == "dcgan" else tf_vanilla)(g, stats, d)
    g_vars, d_vars = list(g.values()), list(d.values())
    g_adam, d_adam = TFAdam(g_vars), TFAdam(d_vars)
    latent = LATENT_DIM[model]

    @tf.function
    def train_step(real):
        with tf.GradientTape() as tape:
            fake = tf.stop_gradient(generator(tf.random.normal((batch_size, latent))))
            real_logits, fake_logits = discriminator(real), discriminator(fake)
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
        d_adam.apply(tape.gradient(d_loss, d_vars), d_vars)
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(tf.random.normal((batch_size, latent))))
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
        g_adam.apply(tape.gradient(g_loss, g_vars), g_vars)
        return d_loss, g_loss

    def step(real):
        d_loss, g_loss = train_step(real)
        return float(d_loss), float(g_loss)  # waits for the step

    return (
        step,
        tf.convert_to_tensor,
        {"g": count_parameters(g_np), "d": count_parameters(d_np)},
    )


# =============================================================================
# native JAX: jax.numpy / jax.lax under one jax.jit, hand-written Adam
# =============================================================================
def jax_adam_init(params):
    import jax
    import jax.numpy as jnp

    # Separate buffers for m and v: the jitted step donates the whole state.
    zeros = lambda: jax.tree_util.tree_map(jnp.zeros_like, params)  # noqa: E731
    return {"t": jnp.zeros((), "float32"), "m": zeros(), "v": zeros()}


def jax_adam_apply(state, gradients, params):
    """One Adam step as Keras writes it; returns (new params, new state)."""
    import jax
    import jax.numpy as jnp

    t = state["t"] + 1.0
    step_size = LEARNING_RATE * jnp.sqrt(1.0 - BETA_2**t) / (1.0 - BETA_1**t)
    tree_map = jax.tree_util.tree_map
    m = tree_map(lambda m, g: m + (g - m) * (1.0 - BETA_1), state["m"], gradients)
    v = tree_map(lambda v, g: v + (g * g - v) * (1.0 - BETA_2), state["v"], gradients)
    params = tree_map(
        lambda p, m, v: p - step_size * m / (jnp.sqrt(v) + ADAM_EPSILON), params, m, v
    )
    return params, {"t": t, "m": m, "v": v}


def jax_batch_norm(x, axes, gamma, beta, stats, name):
    """Training-mode batch norm; returns the output and the updated moving stats."""
    import jax.numpy as jnp

    mean, variance = jnp.mean(x, axes), jnp.var(x, axes)
    stats = dict(stats)
    stats[f"{name}_mean"] = stats[f"{name}_mean"] * BN_MOMENTUM + mean * (1 - BN_MOMENTUM)
    stats[f"{name}_var"] = stats[f"{name}_var"] * BN_MOMENTUM + variance * (
        1 - BN_MOMENTUM
    )
    return (x - mean) / jnp.sqrt(variance + BN_EPSILON) * gamma + beta, stats


def jax_dropout(key, x):
    import jax
    import jax.numpy as jnp

    keep = jax.random.bernoulli(key, 1.0 - DROPOUT, x.shape)
    return jnp.where(keep, x / (1.0 - DROPOUT), 0.0)


# NHWC activations, Keras kernel layouts, as Keras's JAX backend calls lax.
_JAX_DIMENSIONS = ("NHWC", "HWIO", "NHWC")


def jax_dcgan():
    import jax
    import jax.numpy as jnp
    from jax import lax

    def generator(g, stats, z):
        x = z @ g["dense"]
        x, stats = jax_batch_norm(x, 0, g["bn0_gamma"], g["bn0_beta"], stats, "bn0")
        x = jax.nn.leaky_relu(x, G_LEAKY_SLOPE).reshape(-1, 7, 7, 256)
        for i, stride in ((1, 1), (2, 2)):
            x = lax.conv_transpose(
                x,
                g[f"convt{i}"],
                (stride, stride),
                "SAME",
                dimension_numbers=_JAX_DIMENSIONS,
                transpose_kernel=True,
            )
            x, stats = jax_batch_norm(
                x, (0, 1, 2), g[f"bn{i}_gamma"], g[f"bn{i}_beta"], stats, f"bn{i}"
            )
            x = jax.nn.leaky_relu(x, G_LEAKY_SLOPE)
        x = lax.conv_transpose(
            x,
            g["convt3"],
            (2, 2),
            "SAME",
            dimension_numbers=_JAX_DIMENSIONS,
            transpose_kernel=True,
        )
        return jnp.tanh(x + g["convt3_bias"]), stats

    def discriminator(d, x, key):
        keys = jax.random.split(key, 2)
        for i in (1, 2):
            x = (
                lax.conv_general_dilated(
                    x, d[f"conv{i}"], (2, 2), "SAME", dimension_numbers=_JAX_DIMENSIONS
                )
                + d[f"conv{i}_bias"]
            )
            x = jax_dropout(keys[i - 1], jax.nn.leaky_relu(x, D_LEAKY_SLOPE))
        return x.reshape(x.shape[0], -1) @ d["dense"] + d["dense_bias"]

    return generator, discriminator


def jax_vanilla():
    import jax
    import jax.numpy as jnp

    def generator(g, stats, z):
        x = jax.nn.relu(z @ g["w0"] + g["b0"])
        x = jax.nn.relu(x @ g["w1"] + g["b1"])
        return jnp.tanh(x @ g["w2"] + g["b2"]).reshape(-1, *IMAGE_SHAPE), stats

    def discriminator(d, x, key):
        x = x.reshape(x.shape[0], -1)
        x = jax.nn.leaky_relu(x @ d["w0"] + d["b0"], D_LEAKY_SLOPE)
        x = jax.nn.leaky_relu(x @ d["w1"] + d["b1"], D_LEAKY_SLOPE)
        return x @ d["w2"] + d["b2"]

    return generator, discriminator


def jax_native_step(model, batch_size):
    import jax
    import jax.numpy as jnp

    g_np, stats_np, d_np = weights_for(model)
    generator, discriminator = (jax_dcgan if model == "dcgan" else jax_vanilla)()
    latent = LATENT_DIM[model]
    softplus = jax.nn.softplus

    def d_loss_fn(d, g, stats, real, key):
        z_key, real_key, fake_key = jax.random.split(key, 3)
        fake, stats = generator(g, stats, jax.random.normal(z_key, (batch_size, latent)))
        fake = jax.lax.stop_gradient(fake)
        real_logits = discriminator(d, real, real_key)
        fake_logits = discriminator(d, fake, fake_key)
        loss = jnp.mean(softplus(-real_logits)) + jnp.mean(softplus(fake_logits))
        return loss, stats

    def g_loss_fn(g, d, stats, key):
        z_key, d_key = jax.random.split(key)
        fake, stats = generator(g, stats, jax.random.normal(z_key, (batch_size, latent)))
        return jnp.mean(softplus(-discriminator(d, fake, d_key))), stats

    def train_step(state, real):
        g, stats, d, g_adam, d_adam, key = state
        key, d_key, g_key = jax.random.split(key, 3)
        (d_loss, stats), d_grads = jax.value_and_grad(d_loss_fn, has_aux=True)(
            d, g, stats, real, d_key
        )
        d, d_adam = jax_adam_apply(d_adam, d_grads, d)
        (g_loss, stats), g_grads = jax.value_and_grad(g_loss_fn, has_aux=True)(
            g, d, stats, g_key
        )
        g, g_adam = jax_adam_apply(g_adam, g_grads, g)
        return (g, stats, d, g_adam, d_adam, key), (d_loss, g_loss)

    # Donating the state lets XLA update weights in place, as Keras's JAX trainer does.
    jitted = jax.jit(train_step, donate_argnums=0)
    to_device = lambda tree: jax.tree_util.tree_map(jnp.asarray, tree)  # noqa: E731
    g, stats, d = to_device(g_np), to_device(stats_np), to_device(d_np)
    state = [(g, stats, d, jax_adam_init(g), jax_adam_init(d), jax.random.key(0))]

    def step(real):
        state[0], (d_loss, g_loss) = jitted(state[0], real)
        return float(d_loss), float(g_loss)  # waits for the step

    return step, jnp.asarray, {"g": count_parameters(g_np), "d": count_parameters(d_np)}


# =============================================================================
# native PyTorch: torch.nn + torch.optim.Adam, eager
# =============================================================================
def torch_dcgan():
    """The reference DCGAN in torch's own NCHW layout (no layout permutes)."""
    from torch import nn

    def bn(n, dims):
        # torch's momentum weighs the new batch: Keras's 0.99 is torch's 0.01.
        cls = nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d
        return cls(n, eps=BN_EPSILON, momentum=1 - BN_MOMENTUM)

    generator = nn.Sequential(
        nn.Linear(LATENT_DIM["dcgan"], 7 * 7 * 256, bias=False),
        bn(7 * 7 * 256, 1),
        nn.LeakyReLU(G_LEAKY_SLOPE),
        nn.Unflatten(1, (256, 7, 7)),
        nn.ConvTranspose2d(256, 128, 5, 1, padding=2, bias=False),
        bn(128, 2),
        nn.LeakyReLU(G_LEAKY_SLOPE),
        nn.ConvTranspose2d(128, 64, 5, 2, padding=2, output_padding=1, bias=False),
        bn(64, 2),
        nn.LeakyReLU(G_LEAKY_SLOPE),
        nn.ConvTranspose2d(64, 1, 5, 2, padding=2, output_padding=1),
        nn.Tanh(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 5, 2, padding=2),
        nn.LeakyReLU(D_LEAKY_SLOPE),
        nn.Dropout(DROPOUT),
        nn.Conv2d(64, 128, 5, 2, padding=2),
        nn.LeakyReLU(D_LEAKY_SLOPE),
        nn.Dropout(DROPOUT),
        nn.Flatten(),
        nn.Linear(7 * 7 * 128, 1),
    )
    return generator, discriminator


def torch_vanilla():
    from torch import nn

    pixels = math.prod(IMAGE_SHAPE)
    generator = nn.Sequential(
        nn.Linear(LATENT_DIM["vanilla"], VANILLA_HIDDEN[0]),
        nn.ReLU(),
        nn.Linear(VANILLA_HIDDEN[0], VANILLA_HIDDEN[1]),
        nn.ReLU(),
        nn.Linear(VANILLA_HIDDEN[1], pixels),
        nn.Tanh(),
        nn.Unflatten(1, (1, 28, 28)),
    )
    discriminator = nn.Sequential(
        nn.Flatten(),
        nn.Linear(pixels, VANILLA_HIDDEN[1]),
        nn.LeakyReLU(D_LEAKY_SLOPE),
        nn.Linear(VANILLA_HIDDEN[1], VANILLA_HIDDEN[0]),
        nn.LeakyReLU(D_LEAKY_SLOPE),
        nn.Linear(VANILLA_HIDDEN[0], 1),
    )
    return generator, discriminator


def torch_native_step(model, batch_size):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    generator, discriminator = (torch_dcgan if model == "dcgan" else torch_vanilla)()
    generator.train(), discriminator.train()
    g_params, d_params = list(generator.parameters()), list(discriminator.parameters())
    adam = dict(lr=LEARNING_RATE, betas=(BETA_1, BETA_2), eps=ADAM_EPSILON)
    g_opt, d_opt = torch.optim.Adam(g_params, **adam), torch.optim.Adam(d_params, **adam)
    latent = LATENT_DIM[model]

    def step(real):
        # D phase. G's forward is recorded then detached, as kerasgan's stop_gradient.
        fake = generator(torch.randn(batch_size, latent)).detach()
        d_loss = (
            F.softplus(-discriminator(real)).mean()
            + F.softplus(discriminator(fake)).mean()
        )
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        # G phase; `inputs=` skips D's weight gradients, which kerasgan never computes.
        g_loss = F.softplus(
            -discriminator(generator(torch.randn(batch_size, latent)))
        ).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward(inputs=g_params)
        g_opt.step()
        return d_loss.item(), g_loss.item()

    def to_tensor(images):
        return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()  # NHWC → NCHW

    count = lambda ps: int(sum(p.numel() for p in ps))  # noqa: E731
    return step, to_tensor, {"g": count(g_params), "d": count(d_params)}


def keras_dcgan_channels_first():
    """kerasgan's reference DCGAN nets rebuilt with Keras layers in `channels_first`.

    kerasgan's networks are NHWC, which Keras's torch layers permute to NCHW around
    every convolution; this is the layout lever of issue 17, measured in the native loop
    (--breakdown). Same layers, sizes and parameter count as `ConvGenerator` /
    `ConvDiscriminator` with `filters=64`.
    """
    import keras
    from keras import layers

    cf = "channels_first"
    z = keras.Input((LATENT_DIM["dcgan"],))
    x = layers.Dense(7 * 7 * 256, use_bias=False)(z)
    x = layers.LeakyReLU(G_LEAKY_SLOPE)(layers.BatchNormalization()(x))
    x = layers.Reshape((256, 7, 7))(x)
    for filters, stride in ((128, 1), (64, 2)):
        x = layers.Conv2DTranspose(filters, 5, stride, "same", data_format=cf,
                                   use_bias=False)(x)
        x = layers.LeakyReLU(G_LEAKY_SLOPE)(layers.BatchNormalization(axis=1)(x))
    x = layers.Conv2DTranspose(1, 5, 2, "same", data_format=cf, activation="tanh")(x)
    generator = keras.Model(z, x)
    image = keras.Input((1, 28, 28))
    x = image
    for filters in (64, 128):
        x = layers.Conv2D(filters, 5, 2, "same", data_format=cf)(x)
        x = layers.Dropout(DROPOUT)(layers.LeakyReLU(D_LEAKY_SLOPE)(x))
    discriminator = keras.Model(image, layers.Dense(1)(layers.Flatten()(x)))
    return generator, discriminator


def torch_keras_nets_step(model, batch_size, keras_adam, channels_first=False):
    """Diagnostic (--breakdown): kerasgan's Keras nets in a hand-written torch loop.

    Same loop as `torch_native_step`, but the networks are the `keras.Model`s kerasgan
    trains (NHWC, Keras's torch layers) and the optimizer is torch.optim.Adam or, with
    `keras_adam`, Keras's Adam. Between native, these rows and kerasgan, the gap splits
    into Keras's layers, Keras's optimizer, and kerasgan's step plus `fit`.
    """
    import keras
    import torch
    import torch.nn.functional as F

    if channels_first:
        generator, discriminator = keras_dcgan_channels_first()
    else:
        gan = build_kerasgan(model)
        generator, discriminator = gan.generator, gan.discriminator
    latent = LATENT_DIM[model]
    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables
    g_params, d_params = [v.value for v in g_vars], [v.value for v in d_vars]
    if keras_adam:
        g_opt = keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1)
        d_opt = keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1)
        g_opt.build(g_vars), d_opt.build(d_vars)
    else:
        adam = dict(lr=LEARNING_RATE, betas=(BETA_1, BETA_2), eps=ADAM_EPSILON)
        g_opt, d_opt = (
            torch.optim.Adam(g_params, **adam),
            torch.optim.Adam(d_params, **adam),
        )

    def update(optimizer, loss, params, variables):
        gradients = torch.autograd.grad(loss, params)
        if keras_adam:
            with torch.no_grad():
                optimizer.apply(list(gradients), variables)
        else:
            for p, g in zip(params, gradients):
                p.grad = g
            optimizer.step()

    def step(real):
        fake = generator(torch.randn(batch_size, latent), training=True).detach()
        d_loss = (
            F.softplus(-discriminator(real, training=True)).mean()
            + F.softplus(discriminator(fake, training=True)).mean()
        )
        update(d_opt, d_loss, d_params, d_vars)
        fake = generator(torch.randn(batch_size, latent), training=True)
        g_loss = F.softplus(-discriminator(fake, training=True)).mean()
        update(g_opt, g_loss, g_params, g_vars)
        return d_loss.item(), g_loss.item()

    def to_tensor(images):
        tensor = torch.from_numpy(images)
        return tensor.permute(0, 3, 1, 2).contiguous() if channels_first else tensor

    count = lambda ps: int(sum(p.numel() for p in ps))  # noqa: E731
    return step, to_tensor, {"g": count(g_params), "d": count(d_params)}


NATIVE_STEPS = {
    "tensorflow": tf_native_step,
    "jax": jax_native_step,
    "torch": torch_native_step,
}
BREAKDOWN_STEPS = {
    "keras_nets+torch.optim": functools.partial(torch_keras_nets_step, keras_adam=False),
    "keras_nets+keras.Adam": functools.partial(torch_keras_nets_step, keras_adam=True),
    "keras_nets_channels_first+torch.optim": functools.partial(
        torch_keras_nets_step, keras_adam=False, channels_first=True
    ),
}
CHANNELS_FIRST_ROW = "keras_nets_channels_first+torch.optim"


def run_native(backend, model, steps, warmup, batch_size, impl="native"):
    factory = NATIVE_STEPS[backend] if impl == "native" else BREAKDOWN_STEPS[impl]
    step, to_tensor, params = factory(model, batch_size)

    def batches(num, seed):
        images = random_images(num, batch_size, seed)
        return [
            to_tensor(images[i * batch_size : (i + 1) * batch_size]) for i in range(num)
        ]

    first, warm, timed = batches(1, 1), batches(warmup, 2), batches(steps + 1, 3)
    start = time.perf_counter()
    step(first[0])
    compile_s = time.perf_counter() - start
    for real in warm:
        step(real)
    stamps = []
    with OtherLoad() as load:
        start = time.perf_counter()
        for real in timed:
            losses = step(real)
            stamps.append(time.perf_counter())
        wall_s = time.perf_counter() - start
    if not all(math.isfinite(x) for x in losses):
        raise RuntimeError(f"non-finite native losses {losses}")
    return compile_s, stamps, wall_s, params, load.cores


# =============================================================================
# --conv-ops: the DCGAN's convolutions alone, to explain cross-backend speed
# =============================================================================
# name: (input NHWC, kernel in Keras layout, stride, transposed). Batch is prepended.
DCGAN_CONVS = {
    "G convT1 7x7 256->128 s1": ((7, 7, 256), (5, 5, 128, 256), 1, True),
    "G convT2 7x7 128->64 s2": ((7, 7, 128), (5, 5, 64, 128), 2, True),
    "G convT3 14x14 64->1 s2": ((14, 14, 64), (5, 5, 1, 64), 2, True),
    "D conv1 28x28 1->64 s2": ((28, 28, 1), (5, 5, 1, 64), 2, False),
    "D conv2 14x14 64->128 s2": ((14, 14, 64), (5, 5, 64, 128), 2, False),
}
CONV_PASSES = ("forward", "grad kernel", "grad input")


def median_ms(fn, repeats=10):
    fn()  # compile / warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


def tf_conv_passes(x, kernel, stride, transposed):
    import tensorflow as tf

    x, kernel = tf.constant(x), tf.constant(kernel)
    op = (
        (lambda x, k: tf_conv_transpose(x, k, stride))
        if transposed
        else (lambda x, k: tf.nn.conv2d(x, k, stride, "SAME"))
    )

    def gradient_of(index):
        @tf.function
        def grad(x, k):
            with tf.GradientTape() as tape:
                tape.watch([x, k])
                y = tf.reduce_sum(tf.square(op(x, k)))
            return tape.gradient(y, [x, k][index])

        return grad

    forward = tf.function(op)
    return [
        lambda f=f: f(x, kernel).numpy()
        for f in (forward, gradient_of(1), gradient_of(0))
    ]


def jax_conv_passes(x, kernel, stride, transposed):
    import jax
    import jax.numpy as jnp
    from jax import lax

    x, kernel = jnp.asarray(x), jnp.asarray(kernel)
    if transposed:
        op = lambda x, k: lax.conv_transpose(  # noqa: E731
            x,
            k,
            (stride, stride),
            "SAME",
            dimension_numbers=_JAX_DIMENSIONS,
            transpose_kernel=True,
        )
    else:
        op = lambda x, k: lax.conv_general_dilated(  # noqa: E731
            x, k, (stride, stride), "SAME", dimension_numbers=_JAX_DIMENSIONS
        )
    loss = lambda x, k: jnp.sum(jnp.square(op(x, k)))  # noqa: E731
    passes = (
        jax.jit(op),
        jax.jit(jax.grad(loss, argnums=1)),
        jax.jit(jax.grad(loss, argnums=0)),
    )
    return [lambda f=f: jax.block_until_ready(f(x, kernel)) for f in passes]


def torch_conv_passes(x, kernel, stride, transposed):
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
    # Keras (h, w, out, in) → torch (in, out, h, w) for transposed convolutions, and
    # (h, w, in, out) → (out, in, h, w) for plain ones: the same permutation.
    kernel = torch.from_numpy(kernel).permute(3, 2, 0, 1).contiguous()
    if transposed:
        op = lambda x, k: F.conv_transpose2d(  # noqa: E731
            x, k, stride=stride, padding=2, output_padding=stride - 1
        )
    else:
        op = lambda x, k: F.conv2d(x, k, stride=stride, padding=2)  # noqa: E731

    def forward():
        with torch.no_grad():
            op(x, kernel)

    def gradient_of(index):
        def grad():
            inputs = [
                x.detach().requires_grad_(index == 0),
                kernel.detach().requires_grad_(index == 1),
            ]
            torch.autograd.grad(op(*inputs).square().sum(), inputs[index])

        return grad

    return [forward, gradient_of(1), gradient_of(0)]


CONV_PASS_BUILDERS = {
    "tensorflow": tf_conv_passes,
    "jax": jax_conv_passes,
    "torch": torch_conv_passes,
}


def backend_label(result):
    threads = result.get("torch_threads")
    return result["backend"] + (f" ({threads} thr.)" if threads else "")


def run_torch_ops_worker(args):
    """--torch-ops: where the torch gap goes. Profiles 10 steps of the native loop and
    of kerasgan's Keras networks in the same loop (torch.optim), and prints each
    aten op's self CPU ms per step for both (torch.profiler), largest difference first."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile

    import kerasgan  # noqa: F401  (its torch thread policy)

    apply_torch_thread_override()
    per_step = {}
    for impl in ("native", "keras_nets+torch.optim"):
        factory = NATIVE_STEPS["torch"] if impl == "native" else BREAKDOWN_STEPS[impl]
        step, to_tensor, _ = factory(args.model or "dcgan", args.batch_size)
        real = to_tensor(random_images(1, args.batch_size))
        for _ in range(args.warmup + 1):
            step(real)
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(10):
                step(real)
        per_step[impl] = {
            event.key: event.self_cpu_time_total / 1000.0 / 10
            for event in prof.key_averages()
        }
    native, keras_nets = per_step["native"], per_step["keras_nets+torch.optim"]
    ops = sorted(set(native) | set(keras_nets),
                 key=lambda k: -abs(keras_nets.get(k, 0.0) - native.get(k, 0.0)))
    rows = [("op", "native ms/step", "Keras nets ms/step", "difference")] + [
        (op, f"{native.get(op, 0.0):.1f}", f"{keras_nets.get(op, 0.0):.1f}",
         f"{keras_nets.get(op, 0.0) - native.get(op, 0.0):+.1f}")
        for op in ops[:12]
    ]
    totals = (sum(native.values()), sum(keras_nets.values()))
    rows.append(("total (all ops)", f"{totals[0]:.1f}", f"{totals[1]:.1f}",
                 f"{totals[1] - totals[0]:+.1f}"))
    print(format_rows(rows, args.markdown))


def run_conv_ops_worker(args):
    import numpy as np

    backend = os.environ["KERAS_BACKEND"]
    if backend == "torch":
        import kerasgan  # noqa: F401  (the same torch threads as the kerasgan rows)

        apply_torch_thread_override()
    rng = np.random.default_rng(0)
    timings = {}
    for name, (x_shape, k_shape, stride, transposed) in DCGAN_CONVS.items():
        x = rng.standard_normal((args.batch_size, *x_shape)).astype("float32")
        kernel = (rng.standard_normal(k_shape) * 0.05).astype("float32")
        passes = CONV_PASS_BUILDERS[backend](x, kernel, stride, transposed)
        timings[name] = [median_ms(fn) for fn in passes]
    print(
        RESULT_PREFIX
        + json.dumps({"backend": backend, "timings": timings, **threads_info(backend)}),
        flush=True,
    )


def conv_ops_table(results, markdown):
    """One row per (convolution, backend); the gradient passes include the forward."""
    header = ["convolution", "backend", *(f"{p} ms" for p in CONV_PASSES)]
    rows = [header] + [
        [name, backend_label(r), *(f"{t:.1f}" for t in r["timings"][name])]
        for name in DCGAN_CONVS
        for r in results
    ]
    return format_rows(rows, markdown)


# =============================================================================
# worker: one (backend, model, implementation) in this process
# =============================================================================
def threads_info(backend):
    if backend != "torch":
        return {}
    import torch

    return {
        "torch_threads": torch.get_num_threads(),
        "torch_interop": torch.get_num_interop_threads(),
    }


def run_worker(args):
    backend = os.environ["KERAS_BACKEND"]
    if args.impl != "native":
        import kerasgan  # noqa: F401  (its torch thread policy runs at import)
    if backend == "torch":
        apply_torch_thread_override()
    if args.impl == "kerasgan" or args.impl in CONFIG_IMPLS:
        compile_s, stamps, wall_s, params, other_load = run_kerasgan(
            args.model, args.steps, args.warmup, args.batch_size, args.impl
        )
    else:
        compile_s, stamps, wall_s, params, other_load = run_native(
            backend, args.model, args.steps, args.warmup, args.batch_size, args.impl
        )
    intervals_ms = [(b - a) * 1000.0 for a, b in zip(stamps[:-1], stamps[1:])]
    deciles = statistics.quantiles(intervals_ms, n=10, method="inclusive")
    result = {
        "backend": backend,
        "model": args.model,
        "impl": args.impl,
        "batch_size": args.batch_size,
        "steps": len(intervals_ms),
        "compile_s": compile_s,
        "median_ms": statistics.median(intervals_ms),
        "p10_ms": deciles[0],
        "p90_ms": deciles[-1],
        "mean_ms_wall": wall_s / len(stamps) * 1000.0,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "parameters": params,
        "other_load_cores": other_load,
        **threads_info(backend),
    }
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# =============================================================================
# orchestration: one subprocess per row, then the table
# =============================================================================
def run_subprocess(backend, worker_args, extra_env=None):
    """Runs this script as a worker with KERAS_BACKEND set; returns its result dict."""
    env = dict(
        os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2", **(extra_env or {})
    )
    command = [sys.executable, os.path.abspath(__file__), "--worker", *worker_args]
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    sys.stderr.write(completed.stdout[-3000:] + completed.stderr[-3000:])
    raise RuntimeError(
        f"{backend} worker {worker_args} failed (exit {completed.returncode})"
    )


def common_worker_args(args):
    return [
        "--steps",
        str(args.steps),
        "--warmup",
        str(args.warmup),
        "--batch-size",
        str(args.batch_size),
    ]


def check_same_networks(results):
    """Warns when a row's networks do not have the kerasgan row's parameter counts."""
    reference = {
        (r["backend"], r["model"]): r["parameters"]
        for r in results
        if r["impl"] == "kerasgan"
    }
    for r in results:
        expected = reference.get((r["backend"], r["model"]))
        if expected and r["parameters"] != expected:
            progress(
                f"WARNING {r['backend']}/{r['model']}/{r['impl']} has parameters "
                f"{r['parameters']}, kerasgan has {expected}: not the same network"
            )


def add_ratios(results):
    medians = {(r["backend"], r["model"], r["impl"]): r["median_ms"] for r in results}
    for r in results:
        native = medians.get((r["backend"], r["model"], "native"))
        r["ratio"] = (
            r["median_ms"] / native if r["impl"] != "native" and native else None
        )


COLUMNS = (
    "backend",
    "model",
    "impl",
    "compile s",
    "ms/step (median)",
    "p10–p90 ms",
    "images/s",
    "peak RSS MiB",
    "ratio to native",
    "other load",
)


def step_table(results, markdown):
    rows = [COLUMNS] + [
        (
            backend_label(r),
            r["model"],
            r["impl"],
            f"{r['compile_s']:.2f}",
            f"{r['median_ms']:.2f}",
            f"{r['p10_ms']:.1f}–{r['p90_ms']:.1f}",
            f"{r['batch_size'] / r['median_ms'] * 1000.0:.0f}",
            f"{r['peak_rss_mib']:.0f}",
            "" if r["ratio"] is None else f"{r['ratio']:.3f}",
            "?" if r["other_load_cores"] is None else f"{r['other_load_cores']:.2f}",
        )
        for r in results
    ]
    return format_rows(rows, markdown)


def format_rows(rows, markdown):
    """A markdown table, or aligned plain text; the first row is the header."""
    if markdown:
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine_summary():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(
                line.split(":", 1)[1].strip()
                for line in f
                if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores; load average {load}"


def progress(message):
    print(f"# {message}", file=sys.stderr, flush=True)


def is_quiet(result, args):
    """Whether a row's timed steps ran with at most --max-other-load busy elsewhere."""
    load = result["other_load_cores"]
    return args.max_other_load is None or (
        load is not None and load <= args.max_other_load
    )


def wait_until_quiet(args):
    """On a shared machine, waits (at most --quiet-wait s) for other processes to calm."""
    if args.max_other_load is None:
        return
    deadline = time.monotonic() + args.quiet_wait
    while time.monotonic() < deadline:
        with OtherLoad() as load:
            time.sleep(3)
        if load.cores is None or load.cores <= args.max_other_load:
            return


def benchmark_pair(backend, model, args):
    """All rows of one (backend, model) over several rounds; each row's fastest round.

    Rounds alternate the implementations, so that a burst of load from other
    processes on a shared machine hits both sides alike; keeping each row's fastest
    round (lowest median) filters such bursts out. With --max-other-load, rounds go on
    (up to --max-rounds) until every row has one measured with at most that much
    other load, and only such rounds are kept. Every round stays in the JSON.
    """
    impls = IMPLEMENTATIONS + tuple(
        impl
        for impl in BREAKDOWN_STEPS
        if args.breakdown and backend == "torch"
        and (model == "dcgan" or impl != CHANNELS_FIRST_ROW)  # a layout of convolutions
    )
    impls += tuple(
        CONFIGS[name][0] for name in args.configs if backend in CONFIGS[name][1]
    )
    if model in KERASGAN_ONLY:
        impls = ("kerasgan",)
    rounds = {impl: [] for impl in impls}
    extra_env = {}
    for round_index in range(max(args.max_rounds, args.repeats)):
        every_row_quiet = all(
            any(is_quiet(r, args) for r in results) for results in rounds.values()
        )
        if round_index >= args.repeats and every_row_quiet:
            break
        for impl in impls:  # kerasgan first: the others copy its torch threads
            wait_until_quiet(args)
            worker_args = ["--model", model, "--impl", impl, *common_worker_args(args)]
            result = run_subprocess(backend, worker_args, extra_env)
            rounds[impl].append(result)
            progress(
                f"{backend}/{model}/{impl}: {result['median_ms']:.2f} ms/step "
                f"(other load {result['other_load_cores'] or 0:.2f} cores)"
            )
            if "torch_threads" in result and not os.environ.get(THREADS_ENV):
                extra_env[THREADS_ENV] = str(result["torch_threads"])
    best = []
    for impl, results in rounds.items():
        candidates = [r for r in results if is_quiet(r, args)] or results
        fastest = min(candidates, key=lambda r: r["median_ms"])
        best.append(
            {
                **fastest,
                "round_medians_ms": [r["median_ms"] for r in results],
                "round_other_loads": [r["other_load_cores"] for r in results],
            }
        )
    return best


def benchmark_steps(args):
    results = [
        row
        for backend in args.backends
        for model in args.models
        for row in benchmark_pair(backend, model, args)
    ]
    check_same_networks(results)
    add_ratios(results)
    table = step_table(results, args.markdown) + keras_io_summary(results)
    overhead = regularization_overhead_table(results, args.markdown)
    return results, table + ("\n\n" + overhead if overhead else "")


def keras_io_summary(results):
    """Issue 17's second target: the fastest kerasgan configuration on this machine
    (any backend, any --configs row) against keras-io's step on TensorFlow."""
    lines = []
    for model in dict.fromkeys(r["model"] for r in results):
        rows = [r for r in results if r["model"] == model]
        keras_io = [r for r in rows if r["impl"] == CONFIGS["keras_io"][0]]
        ours = [r for r in rows if r["impl"].startswith("kerasgan")]
        if keras_io and ours:
            best = min(ours, key=lambda r: r["median_ms"])
            speedup = keras_io[0]["median_ms"] / best["median_ms"]
            lines.append(
                f"{model}: fastest kerasgan configuration {best['backend']} "
                f"{best['impl']} {best['median_ms']:.1f} ms/step; keras-io GradientTape "
                f"(TensorFlow) {keras_io[0]['median_ms']:.1f} ms/step; speed-up "
                f"{speedup:.2f}x"
            )
    return "".join("\n\n" + line for line in lines)


def regularization_overhead_table(results, markdown):
    """StyleGAN2's regularization cost per backend: the mean ms/step that lazy R1 +
    path length (every 16 and 4 steps) and both every step add to the same model
    without regularizers, and their ratio; None when a backend lacks one of the
    three rows. Means, not medians: the median of a lazy row skips its lazy steps."""
    medians = {(r["backend"], r["model"]): r["mean_ms_wall"] for r in results}
    rows = [("backend", "no regularizers mean ms/step", "lazy: extra ms/step",
             "every step: extra ms/step", "lazy / every step")]
    for backend in dict.fromkeys(r["backend"] for r in results):
        base, lazy, every = (medians.get((backend, m)) for m in (
            "stylegan_no_regularizers", "stylegan", "stylegan_every_step"))
        if None in (base, lazy, every):
            continue
        ratio = (lazy - base) / (every - base) if every > base else float("nan")
        rows.append((backend, f"{base:.1f}", f"{lazy - base:.1f}", f"{every - base:.1f}",
                     f"{ratio:.2f}"))
    return format_rows(rows, markdown) if len(rows) > 1 else None


def benchmark_conv_ops(args):
    results = []
    for backend in args.backends:
        result = run_subprocess(backend, ["--conv-ops", *common_worker_args(args)])
        results.append({**result, "batch_size": args.batch_size})
        progress(f"{backend}: convolutions timed")
    return results, conv_ops_table(results, args.markdown)


def orchestrate(args):
    print(f"# {machine_summary()}")
    if args.conv_ops:
        print(f"# DCGAN convolutions alone, batch {args.batch_size}, median of 10 calls")
        results, table = benchmark_conv_ops(args)
    else:
        quiet = (
            f", rounds with other load <= {args.max_other_load} cores preferred"
            if args.max_other_load is not None
            else ""
        )
        print(
            f"# batch {args.batch_size}, {args.steps} timed steps after {args.warmup} "
            f"warm-up steps; fastest of >= {args.repeats} round(s) per row{quiet}"
        )
        results, table = benchmark_steps(args)
    print(table)
    print(f"# load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {"machine": machine_summary(), "args": vars(args), "results": results},
                f,
                indent=1,
            )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument(
        "--models",
        nargs="+",
        choices=MODELS,
        default=list(DEFAULT_MODELS),
        help="stylegan, stylegan_every_step, stylegan_no_regularizers: StyleGAN2 at "
        "32×32 (kerasgan only) with lazy regularization, with R1 and path length in "
        "every step, and without either; big_gan: BigGAN at 32×32, 10 classes",
    )
    parser.add_argument("--steps", type=int, default=60, help="timed steady-state steps")
    parser.add_argument(
        "--warmup", type=int, default=5, help="untimed steps after the first"
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="rounds per row, alternating implementations; the fastest round is kept",
    )
    parser.add_argument(
        "--max-other-load",
        type=float,
        help="shared machine: keep only rounds during which other processes kept at "
        "most this many cores busy, adding rounds (up to --max-rounds) until each row "
        "has one; wait for such a quiet moment before each row",
    )
    parser.add_argument("--max-rounds", type=int, default=6)
    parser.add_argument(
        "--quiet-wait", type=float, default=300, help="seconds to wait for quiet per row"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 5 timed steps, 1 warm-up"
    )
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--json", help="also write the raw results to this JSON file")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="torch: add rows with kerasgan's Keras networks in the native loop (with "
        "torch.optim.Adam, then Keras's Adam) to split the kerasgan/native gap",
    )
    parser.add_argument(
        "--configs",
        nargs="+",
        choices=tuple(CONFIGS),
        default=[],
        help="extra rows (issue 17): jit = compile(jit_compile=True) (XLA on "
        "TensorFlow, torch.compile on torch); bf16 = the mixed_bfloat16 dtype policy; "
        "keras_io = the same networks trained by keras-io's DCGAN step (TensorFlow)",
    )
    parser.add_argument(
        "--torch-ops",
        action="store_true",
        help="instead: torch's per-op CPU time (torch.profiler) in the native loop and "
        "with kerasgan's Keras networks, to locate the torch gap (run with "
        "KERAS_BACKEND=torch)",
    )
    parser.add_argument(
        "--conv-ops",
        action="store_true",
        help="instead: time the DCGAN's convolutions alone (forward, kernel and input "
        "gradients) in each framework, to explain speed differences between backends",
    )
    # Internal: run one row in this process.
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--impl", choices=IMPLEMENTATIONS + tuple(BREAKDOWN_STEPS) + CONFIG_IMPLS, help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.warmup = 5, 1
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.steps < 2:
        parser.error("--steps must be at least 2")
    if "stylegan" in args.models and (args.steps + 1) % 16 and not args.worker:
        progress(f"{args.steps + 1} timed steps are not a multiple of 16: the mean of "
                 "the lazy StyleGAN row over-/under-counts R1 (use --steps 63)")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.torch_ops:
        run_torch_ops_worker(args)
    elif args.worker and args.conv_ops:
        run_conv_ops_worker(args)
    elif args.worker:
        run_worker(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
