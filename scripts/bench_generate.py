"""Generation benchmark: images/s of `generate()` compiled (today's path) against eager.

For each backend, in a subprocess of its own (one Keras backend per process), the
zoo entry (default `dcgan_fashion_mnist`) generates `--n` images in batches of
`--batch-size`:

* compiled: `gan.generate(...)`, which runs one function compiled per batch shape
  (`kerasgan.engine.inference`: a `tf.function` on TensorFlow, `jax.jit` on JAX, eager
  `no_grad` on PyTorch, where `torch.compile` did not pay off on CPU);
* eager: the same call inside `kerasgan.engine.inference.eager_generation()`, the
  batch-by-batch eager path `generate()` ran before.

Each mode first runs once untimed (compilation, thread pools), then `--repeats` timed
runs, of which the fastest is reported (images/s = n / seconds), with the first,
compiling call's seconds. Also checks that both modes give the same images.

Run it on a quiet machine: timings on a shared CPU mean little.

    python scripts/bench_generate.py --backends tensorflow,jax,torch --json runs/bench_generate.json
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def measure(zoo_name, n, batch_size, repeats):
    """One backend's row (runs in the subprocess)."""
    import keras
    import numpy as np

    import kerasgan
    from kerasgan.engine import inference

    gan = kerasgan.zoo.load(zoo_name)
    row = {"backend": keras.backend.backend(), "zoo": zoo_name, "n": n,
           "batch_size": batch_size, "accelerators": kerasgan.backend.accelerators()}

    def compiled():
        return gan.generate(n, seed=0, batch_size=batch_size)

    def eager():
        with inference.eager_generation():
            return gan.generate(n, seed=0, batch_size=batch_size)

    images = {}
    for mode, run in (("compiled", compiled), ("eager", eager)):
        row[f"{mode}_first_call_s"], images[mode] = _timed(run)
        best = min(_timed(run)[0] for _ in range(repeats))
        row[f"{mode}_images_per_s"] = n / best
    row["speedup"] = row["compiled_images_per_s"] / row["eager_images_per_s"]
    row["max_abs_difference"] = float(np.max(np.abs(images["compiled"] - images["eager"])))
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--zoo", default="dcgan_fashion_mnist")
    parser.add_argument("--n", type=int, default=1024, help="images per timed run")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.zoo, args.n, args.batch_size, args.repeats)))
        return 0
    rows = []
    for backend in args.backends.split(","):
        command = [sys.executable, os.path.abspath(__file__), "--worker", "--zoo", args.zoo,
                   "--n", str(args.n), "--batch-size", str(args.batch_size),
                   "--repeats", str(args.repeats)]
        env = dict(os.environ, KERAS_BACKEND=backend)
        env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"the {backend} run failed (its stderr is above).")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        row = rows[-1]
        print(f"{backend:>10}: compiled {row['compiled_images_per_s']:9.1f} images/s "
              f"(first call {row['compiled_first_call_s']:.2f} s), eager "
              f"{row['eager_images_per_s']:9.1f} images/s, ×{row['speedup']:.2f}, "
              f"max |Δ| {row['max_abs_difference']:.1e}", flush=True)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
