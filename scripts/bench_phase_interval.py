"""Cost of a lazy phase: ms/step with an R1 phase every k steps, per backend.

A phase with `interval > 1` runs inside the compiled step under the backend's
conditional (`tf.cond`, `jax.lax.cond`, an eager `if` on torch), so the step is traced
once. This measures what that costs: the reference DCGAN (28×28×1, batch
`--batch-size`) with `compile(regularizers=[kerasgan.Regularize("r1", interval=k)])`,
k in 1, 4, 16 and "never" (an interval longer than the run: the phase runs once, at
step 0, outside the timed steps). R1 differentiates D twice, so a step with it costs
noticeably more; if the conditional works, the time per step falls from `base + r1`
(k=1) towards `base` (never) as `base + r1 / k`, and the step is traced once
whatever k.

Each (backend, k) runs in its own subprocess; the median of the per-step times of
`--steps` steps after `--warmup` is reported with the number of traces of the step.

    python scripts/bench_phase_interval.py --markdown
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

BACKENDS = ("tensorflow", "jax", "torch")
INTERVALS = ("1", "4", "16", "never")


def worker(args):
    import keras
    import numpy as np

    import kerasgan

    interval = 10**9 if args.interval == "never" else int(args.interval)
    model = kerasgan.models.DCGAN(latent_dim=100, data_shape=(28, 28, 1), seed=0)
    model.compile(regularizers=[kerasgan.Regularize("r1", interval=interval)])
    traces = {"n": 0}
    step = model.gan_train_step

    def counted(data):
        traces["n"] += 1
        return step(data)

    model.gan_train_step = counted
    times = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            times.append(time.perf_counter())

    rng = np.random.default_rng(0)
    n = (args.warmup + args.steps + 1) * args.batch_size
    images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32")
    model.fit(images, batch_size=args.batch_size, epochs=1, verbose=0,
              shuffle=False, callbacks=[Clock()])
    intervals = np.diff(times[args.warmup:]) * 1e3
    print(json.dumps({"ms_per_step": float(statistics.median(intervals)),
                      "traces": traces["n"]}))


def run(backend, interval, args):
    env = dict(os.environ, KERAS_BACKEND=backend)
    env.setdefault("OMP_NUM_THREADS", "1")
    command = [sys.executable, __file__, "--worker", "--interval", interval,
               "--steps", str(args.steps), "--warmup", str(args.warmup),
               "--batch-size", str(args.batch_size)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--steps", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--interval", default="1", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    print("| backend | R1 interval | ms/step (median) | traces of the step |")
    print("|---|---|---|---|")
    for backend in args.backends:
        for interval in INTERVALS:
            row = run(backend, interval, args)
            print(f"| {backend} | {interval} | {row['ms_per_step']:.2f} | {row['traces']} |",
                  flush=True)


if __name__ == "__main__":
    main()
