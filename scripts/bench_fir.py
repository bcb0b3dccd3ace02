"""StyleGAN2's FIR resampling as a depthwise convolution or as shifted-slice sums.

`kerasgan.layers.Upsample2D`/`Downsample2D` filter with [1, 3, 3, 1] in one of two
forms, chosen per backend by `kerasgan.backend.FIXED_FILTER_AS_SLICES`. This times
both forms on each backend, in the same process and conditions: the gradient of
each layer alone (batch 32, 16×16×64 up, 32×32×64 down; best of 3 rounds of 5),
and StyleGAN2's whole training step under `fit()` (`scripts/bench_train_step.py`'s
"stylegan" row: 32×32, batch 32, median ms/step). With `--write` the table goes
between the `fir` markers of docs/performance.md.

    python scripts/bench_fir.py [--backends tensorflow jax torch] [--steps 15] [--write]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
FORMS = {"depthwise convolution": False, "shifted slices": True}


def layer_gradient_ms(layer_cls, shape):
    """Best-of-3 mean ms of d(sum(layer(x)²))/dx, compiled the backend's way."""
    import keras
    from keras import ops

    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    layer = layer_cls()
    layer.build(shape)
    gradient = compiled_input_gradient(keras.backend.backend(), layer, ops)
    return best_of(lambda: gradient(x))


def compiled_input_gradient(backend, layer, ops):
    """`x → d(sum(layer(x)²))/dx` as each framework compiles a training step."""
    if backend == "jax":
        import jax

        grad = jax.jit(jax.grad(lambda x: ops.sum(layer(x) ** 2)))
        return lambda x: jax.block_until_ready(grad(x))
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function
        def grad(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = tf.reduce_sum(layer(x) ** 2)
            return tape.gradient(loss, x)

        return lambda x: grad(tf.constant(x)).numpy()
    import torch

    def grad(x):
        x = torch.tensor(x, requires_grad=True)
        (layer(x) ** 2).sum().backward()
        return x.grad

    return grad


def best_of(fn, rounds=3, calls=5):
    fn()  # compiles
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls * 1000)
    return best


def stylegan_step_ms(steps):
    """Median ms/step of StyleGAN2's training step under fit (bench_train_step.py)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_train_step

    _, stamps, *_ = bench_train_step.run_kerasgan("stylegan", steps, 3, 32)
    return statistics.median(np.diff(stamps) * 1000)


def worker(steps):
    import keras

    import kerasgan
    from kerasgan import backend

    row = {"backend": keras.backend.backend(),
           "default": backend.FIXED_FILTER_AS_SLICES}
    for form, as_slices in FORMS.items():
        backend.FIXED_FILTER_AS_SLICES = as_slices
        row[form] = {
            "Upsample2D gradient": layer_gradient_ms(kerasgan.layers.Upsample2D, (32, 16, 16, 64)),
            "Downsample2D gradient": layer_gradient_ms(kerasgan.layers.Downsample2D, (32, 32, 32, 64)),
            "StyleGAN2 step": stylegan_step_ms(steps),
        }
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(json.dumps(row))


def table(rows):
    lines = [
        "| backend | measure | depthwise convolution (ms) | shifted slices (ms) | kerasgan uses |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        used = "shifted slices" if row["default"] else "depthwise convolution"
        for measure in row["depthwise convolution"]:
            a, b = (row[form][measure] for form in FORMS)
            lines.append(f"| {row['backend']} | {measure} | {a:.1f} | {b:.1f} | {used} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax", "torch"])
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.steps)
    rows = []
    for name in args.backends:
        env = {**os.environ, "KERAS_BACKEND": name}
        done = subprocess.run(
            [sys.executable, __file__, "--worker", "--steps", str(args.steps)],
            env=env, check=True, stdout=subprocess.PIPE, text=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    commit = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    text = (
        table(rows)
        + f"\n\nMeasured by `python scripts/bench_fir.py --steps {args.steps} --write` at "
        f"commit `{commit}`, {os.environ.get('OMP_NUM_THREADS', 'all')} thread(s) "
        f"per process, on {os.cpu_count()} shared cores while other jobs ran: compare "
        "the two forms within a row, not rows with other tables."
    )
    print(text)
    if args.write:
        from kerasgan.utils.files import replace_marked_section

        replace_marked_section(DOC, "fir", text)


if __name__ == "__main__":
    main()
