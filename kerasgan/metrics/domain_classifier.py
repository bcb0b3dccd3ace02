"""Small CNN classifiers for MNIST and Fashion-MNIST: cheap features and class modes.

Trained by `scripts/train_domain_classifier.py` and shipped in `zoo/classifiers/<name>/`
(`model.weights.h5`, `config.json`, a card `README.md` with the measured test accuracy).
Their penultimate activations give a cheap FID/KID (not comparable to Inception FID),
their softmax gives a classifier score and class-mode coverage.
"""

import json
import pathlib

import keras

from kerasgan.utils.storage import sha256_of
from kerasgan.utils.storage import zoo_root

# The classifier behind each dataset name; stacked MNIST uses the MNIST classifier on
# each of its three channels.
CLASSIFIERS = {
    "mnist": "mnist",
    "mnist-5k": "mnist",
    "stacked-mnist": "mnist",
    "fashion-mnist": "fashion-mnist",
}
FEATURE_LAYER = "features"


def zoo_dir():
    """The folder holding the shipped classifiers (in `kerasgan.zoo.zoo_root()`)."""
    return zoo_root() / "classifiers"


def build_classifier(num_classes=10, width=32, input_shape=(28, 28, 1), dropout=0.3):
    """The domain-classifier architecture: three strided convolutions, a 128-d embedding.

    Global average pooling (rather than flattening) keeps the weights small (~0.5 MB).

    Args:
        num_classes: number of classes.
        width: filters of the first convolution (doubled twice).
        input_shape: image shape, values in [-1, 1].
        dropout: dropout before the last layer (training only).

    Returns:
        A `keras.Model` from images to logits; its layer "features" is the embedding.
    """
    inputs = keras.Input(input_shape)
    x = inputs
    for filters in (width, 2 * width, 4 * width):
        x = keras.layers.Conv2D(filters, 3, strides=2, padding="same")(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(128, activation="relu", name=FEATURE_LAYER)(x)
    x = keras.layers.Dropout(dropout)(x)
    logits = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, logits, name="domain_classifier")


def classifier_name(dataset):
    """The shipped classifier for a dataset name ("mnist-5k" → "mnist")."""
    key = str(dataset).lower().replace("_", "-")
    if key not in CLASSIFIERS:
        raise ValueError(
            f"No domain classifier for {dataset!r}; there are classifiers for "
            f"{sorted(CLASSIFIERS)}. Use extractor='inception' for other data."
        )
    return CLASSIFIERS[key]


def load_classifier(name, directory=None):
    """Loads a shipped domain classifier, checking its weights against their sha256.

    Args:
        name: "mnist" or "fashion-mnist" (or a dataset name that maps to one).
        directory: a folder with `config.json` and `model.weights.h5`; defaults to
            `zoo/classifiers/<name>`.

    Returns:
        `(model, config)`: the logits model and its config dict (architecture,
        test accuracy, sha256).

    Example:

    ```python
    model, config = load_classifier("fashion-mnist")
    print(config["test_accuracy"])
    ```
    """
    name = classifier_name(name)
    directory = pathlib.Path(directory or zoo_dir() / name)
    config = json.loads((directory / "config.json").read_text())
    weights = directory / "model.weights.h5"
    if not weights.exists():
        raise FileNotFoundError(
            f"{weights} is missing: train it with "
            f"`python scripts/train_domain_classifier.py {name}`."
        )
    if sha256_of(weights) != config["sha256"]:
        raise ValueError(f"{weights} does not match the sha256 in its config.json.")
    model = build_classifier(**config["architecture"])
    model.load_weights(weights)
    return model, config
