"""Where StyleGAN2's lazy regularization spends its time, step by step.

`scripts/bench_train_step.py` gives the mean and median ms/step of StyleGAN2 with lazy
R1 (every 16 steps) and path length (every 4), with both every step, and with
neither. This script times every step of the same three models under `fit()` and
groups the lazy model's steps by the phases that ran in them, so the extra cost of a
step that runs a lazy phase can be set beside the extra cost of every-step
regularization.

Usage:
    KERAS_BACKEND=tensorflow python scripts/bench_lazy_steps.py --steps 64 [--write]
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_train_step import STYLEGAN_SHAPE  # noqa: E402
from bench_train_step import build_kerasgan  # noqa: E402

BATCH = 32
WARMUP = 5
MARKERS = "lazy_steps"


def step_times(model_name, steps):
    """ms of each timed step, and the optimizer step index each one ran at."""
    import keras

    gan = build_kerasgan(model_name)
    images = np.random.default_rng(0).uniform(-1, 1, (BATCH * 4, *STYLEGAN_SHAPE))
    images = images.astype("float32")
    times = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            times.append(1000 * (time.perf_counter() - self.start))

    gan.fit(images, batch_size=BATCH, epochs=(WARMUP + steps) // 4 + 1,
            callbacks=[Clock()], verbose=0)
    times = np.array(times[WARMUP : WARMUP + steps])
    return times, np.arange(WARMUP, WARMUP + steps)


def kind(step):
    ran = [name for name, every in (("R1", 16), ("path length", 4)) if step % every == 0]
    return " + ".join(ran) or "no lazy phase"


def table(steps):
    import keras

    base, _ = step_times("stylegan_no_regularizers", steps)
    every, _ = step_times("stylegan_every_step", steps)
    lazy, index = step_times("stylegan", steps)
    rows = [
        "| model / steps | steps timed | mean ms/step | extra ms over no regularizers |",
        "|---|---|---|---|",
        f"| no regularizers | {len(base)} | {base.mean():.1f} | – |",
        f"| R1 + path length every step | {len(every)} | {every.mean():.1f} | "
        f"{every.mean() - base.mean():+.1f} |",
    ]
    kinds = np.array([kind(s) for s in index])
    for name in ("no lazy phase", "path length", "R1 + path length"):
        chosen = lazy[kinds == name]
        if len(chosen):
            rows.append(
                f"| lazy model, steps with {name} | {len(chosen)} | {chosen.mean():.1f} "
                f"| {chosen.mean() - base.mean():+.1f} |"
            )
    rows.append(
        f"| lazy model, all steps | {len(lazy)} | {lazy.mean():.1f} | "
        f"{lazy.mean() - base.mean():+.1f} |"
    )
    return "\n".join(rows) + (
        f"\n\nWritten by `scripts/bench_lazy_steps.py` ({keras.backend.backend()}, "
        f"batch {BATCH}, {STYLEGAN_SHAPE[0]}×{STYLEGAN_SHAPE[1]}, after {WARMUP} warm-up "
        f"steps, one core: `taskset -c 1`, OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', 'unset')}):\n\n```\n"
        f"{' '.join(['python'] + sys.argv)}\n```\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=64)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    text = table(args.steps)
    print(text)
    if args.write:
        import pathlib

        from kerasgan.utils.files import replace_marked_section

        doc = pathlib.Path(__file__).resolve().parents[1] / "docs" / "performance.md"
        replace_marked_section(doc, MARKERS, text)


if __name__ == "__main__":
    main()
