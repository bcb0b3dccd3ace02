"""Trains a domain classifier (MNIST or Fashion-MNIST) and ships it in zoo/classifiers/.

Writes `zoo/classifiers/<name>/`: `model.weights.h5`, `config.json` (architecture,
test accuracy, sha256 of the weights), `reference.npz` (features and logits of fixed
inputs: the cross-backend test compares against them) and the card `README.md`.

- "fashion-mnist": trained on the 60k train split, accuracy on the 10k test split.
- "mnist": trained on 4,000 of the 5,000 shipped digits ("mnist-5k"), accuracy on the
  other 1,000 (100 per class): no other MNIST is available offline.

Usage:
    KERAS_BACKEND=tensorflow python scripts/train_domain_classifier.py fashion-mnist
"""

import argparse
import json
import pathlib
import sys
import time

import keras
import numpy as np

import kerasgan
from kerasgan.metrics import domain_classifier
from kerasgan.utils.files import atomic_path

ARCHITECTURE = dict(num_classes=10, width=32, input_shape=(28, 28, 1), dropout=0.3)


def mnist_split(seed=0):
    """4,000 train / 1,000 test digits from mnist-5k, stratified (100 test per class)."""
    x, y = kerasgan.data.load_numpy("mnist-5k")
    rng = np.random.default_rng(seed)
    test = np.concatenate(
        [rng.permutation(np.flatnonzero(y == c))[:100] for c in range(10)]
    )
    train = np.setdiff1d(np.arange(len(y)), test)
    return (x[train], y[train]), (x[test], y[test]), "mnist-5k: 4,000 train / 1,000 test"


def fashion_split():
    train = kerasgan.data.load_numpy("fashion-mnist", split="train")
    test = kerasgan.data.load_numpy("fashion-mnist", split="test")
    return train, test, "fashion-mnist: 60,000 train / 10,000 test"


def augment(x, rng):
    """Random shifts of up to 2 pixels per image: MNIST-5k is small and overfits."""
    padded = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)
    shifts = rng.integers(0, 5, (len(x), 2))
    shifted = np.empty_like(x)
    for dy in range(5):
        for dx in range(5):
            rows = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
            shifted[rows] = padded[rows, dy : dy + 28, dx : dx + 28]
    return shifted


def train(name, epochs, seed=0):
    keras.utils.set_random_seed(seed)
    (x, y), (x_test, y_test), data_note = (
        mnist_split() if name == "mnist" else fashion_split()
    )
    model = domain_classifier.build_classifier(**ARCHITECTURE)
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(epochs):
        model.optimizer.learning_rate.assign(
            2e-3 * 0.5 * (1 + np.cos(np.pi * epoch / epochs))
        )
        model.fit(augment(x, rng), y, batch_size=128, epochs=1, verbose=2, shuffle=True)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, y_test, batch_size=512, verbose=0)
    return model, float(accuracy), data_note, seconds


def write(name, model, accuracy, data_note, seconds, epochs):
    directory = domain_classifier.zoo_dir() / name
    directory.mkdir(parents=True, exist_ok=True)
    weights = directory / "model.weights.h5"
    with atomic_path(weights) as tmp:
        model.save_weights(tmp)
    # Fixed inputs and their outputs on the training backend: loading on any backend
    # must reproduce them (tests/test_metrics.py).
    inputs = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    features = keras.Model(model.input, model.get_layer("features").output)
    with atomic_path(directory / "reference.npz") as tmp:
        np.savez(
            tmp,
            inputs=inputs,
            features=keras.ops.convert_to_numpy(features(inputs)),
            logits=keras.ops.convert_to_numpy(model(inputs)),
        )
    config = {
        "name": name,
        "architecture": ARCHITECTURE,
        "test_accuracy": round(accuracy, 4),
        "data": data_note,
        "epochs": epochs,
        "backend": keras.backend.backend(),
        "train_seconds": round(seconds, 1),
        "sha256": domain_classifier.sha256_of(weights),
        "command": " ".join(["python"] + sys.argv),
    }
    with atomic_path(directory / "config.json") as tmp:
        pathlib.Path(tmp).write_text(json.dumps(config, indent=2) + "\n")
    with atomic_path(directory / "README.md") as tmp:
        pathlib.Path(tmp).write_text(card(config, weights))


def card(config, weights):
    size_kb = weights.stat().st_size / 1024
    return f"""# Domain classifier: {config["name"]}

A small CNN (three strided 3×3 convolutions with batch norm, global average pooling, a
128-d ReLU embedding named `features`, 10 logits) for `kerasgan.metrics`: the embedding
gives a cheap FID/KID, the softmax a classifier score and class-mode coverage.
These numbers are **not comparable** with Inception FID.

| | |
|---|---|
| test accuracy | **{config["test_accuracy"]:.4f}** |
| data | {config["data"]} |
| epochs | {config["epochs"]} (random shifts ±2 px, Adam 2e-3 cosine) |
| trained on | Keras backend `{config["backend"]}`, {config["train_seconds"]} s |
| weights | `model.weights.h5`, {size_kb:.0f} KB, sha256 `{config["sha256"]}` |

Written by:

```
{config["command"]}
```

Usage:

```python
fid = kerasgan.metrics.FID(extractor="{config["name"]}")
```
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=["mnist", "fashion-mnist"])
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args(argv)
    epochs = args.epochs or (30 if args.name == "mnist" else 8)
    model, accuracy, data_note, seconds = train(args.name, epochs)
    write(args.name, model, accuracy, data_note, seconds, epochs)
    print(f"{args.name}: test accuracy {accuracy:.4f} ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
