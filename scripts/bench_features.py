"""Feature-extraction speed (images/s) of each extractor on each Keras backend.

Each backend runs in its own process (Keras fixes the backend at import). Timing
starts after a warm-up batch, so compilation and weight loading are excluded.
Inception inputs are 28×28×1 images resized to 299×299 inside the model, as
`kerasgan.metrics` feeds them. With --write, the table replaces the `bench` section of
docs/metrics.md.

Usage:
    python scripts/bench_features.py [--backends tensorflow,jax,torch] [--write]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

BATCHES = {"mnist": (256, 8), "fashion-mnist": (256, 8), "inception": (32, 3)}


def measure(name):
    """Images/s of one extractor on this process's backend."""
    import kerasgan

    batch_size, batches = BATCHES[name]
    extractor = kerasgan.metrics.get_extractor(name, batch_size=batch_size)
    images = np.random.default_rng(0).uniform(-1, 1, (batch_size, 28, 28, 1))
    images = images.astype("float32")
    extractor(images)  # warm-up: build and compile
    start = time.perf_counter()
    for _ in range(batches):
        extractor(images)
    return batch_size * batches / (time.perf_counter() - start)


def run_backend(backend, names):
    env = dict(os.environ, KERAS_BACKEND=backend)
    command = [sys.executable, __file__, "--child", ",".join(names)]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--extractors", default="fashion-mnist,inception")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps({name: measure(name) for name in args.child.split(",")}))
        return
    names = args.extractors.split(",")
    header = " | ".join(f"{name} (img/s)" for name in names)
    lines = [f"| backend | {header} |", "|---|" + "---|" * len(names)]
    for backend in args.backends.split(","):
        speeds = run_backend(backend, names)
        cells = [
            f"{speeds[n]:.0f}" if speeds[n] >= 100 else f"{speeds[n]:.2g}" for n in names
        ]
        lines.append(f"| {backend} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    text = "\n".join(lines) + (
        f"\n\nWritten by `scripts/bench_features.py` (OMP_NUM_THREADS={threads}, "
        "2 CPU cores shared with other jobs: compare rows, not machines):\n\n"
        f"```\n{' '.join(['python'] + sys.argv)}\n```\n"
    )
    print(text)
    if args.write:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from evaluate import DOC
        from evaluate import replace_section

        replace_section(DOC, "bench", text)


if __name__ == "__main__":
    main()
