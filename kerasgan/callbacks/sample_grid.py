"""A fit() callback writing a grid of samples (or input → output pairs) every N epochs."""

import math
import os
import pathlib

import keras
import numpy as np

from kerasgan.callbacks.periodic import PeriodicWriter
from kerasgan.callbacks.requires import describe
from kerasgan.engine.protocols import DataToData
from kerasgan.engine.protocols import LatentToData
from kerasgan.utils.images import image_grid, save_png, save_samples
from kerasgan.utils.labels import fixed_labels

#: Pairs drawn for a `DataToData` model when neither `n` nor `inputs` says how many.
DEFAULT_PAIRS = 8


class SampleGrid(PeriodicWriter):
    """Writes `epoch_NNN.png`: samples from fixed latents, or fixed input → output pairs.

    For a latent-to-data model (`kerasgan.engine.LatentToData`, e.g. every
    `kerasgan.GAN`), `n` samples from the same latents (from `seed`) each time, so
    the grids of successive epochs are comparable; conditional models (with a
    `num_classes` attribute) get the fixed labels 0, 1, 2, ... cycling through the
    classes. Samples come from `model.generate`, so from the EMA generator when the
    model keeps one. 2-D data (toy sets) is drawn as a scatter plot.

    For a data-to-data model (`kerasgan.engine.DataToData`: Pix2Pix, CycleGAN,
    SRGAN), the same inputs each time — `inputs`, or `model.sample_inputs(n, seed)`
    when the model keeps example inputs — and their translations
    `model.translate(inputs)`, laid out as pairs `input | output` (`input | output |
    target` with `targets`), `pairs_per_row` pairs side by side. Inputs and outputs
    of different sizes (super-resolution) are drawn at the larger size
    (nearest-neighbour); a grayscale image beside a color one is drawn in gray.

    When a `keras.callbacks.TensorBoard` callback is in the same `fit()`, each image
    grid is also written to its log dir (run "samples", tag "samples").

    Args:
        directory: where the PNGs go (created if missing).
        every: write a grid every `every` epochs (and always after the last one).
        n: number of samples (default 64); for a data-to-data model, the number of
            pairs (default: all of `inputs`, else 8 from `sample_inputs`).
        seed: seed of the latents (or of `sample_inputs`).
        scale: integer enlargement of the PNG (small images are hard to see).
        inputs: for a data-to-data model, the inputs to translate: an array
            `(m,) + input_shape` in the data range; its first `n` are used.
        targets: optional, for a data-to-data model: the expected outputs of
            `inputs`, drawn as a third column.
        pairs_per_row: pairs side by side in a row (default: a near-square grid).

    Raises:
        TypeError: when `fit()` hands it a model that is neither `LatentToData` nor
            `DataToData`, or a data-to-data model without `inputs` and without
            `sample_inputs`; before any training step.

    Example:

    ```python
    gan.fit(ds, epochs=5, callbacks=[kerasgan.callbacks.SampleGrid("runs/samples")])

    # Pix2Pix-like: 8 validation inputs, their translations and targets.
    pix2pix.fit(ds, epochs=5, callbacks=[kerasgan.callbacks.SampleGrid(
        "runs/pairs", inputs=x_val[:8], targets=y_val[:8])])
    ```
    """

    def __init__(
        self,
        directory,
        every=1,
        n=None,
        seed=0,
        scale=2,
        inputs=None,
        targets=None,
        pairs_per_row=None,
    ):
        super().__init__(every)
        self.directory = pathlib.Path(directory)
        self.n = None if n is None else int(n)
        if self.n is not None and self.n < 1:
            raise ValueError(f"n must be a positive number of samples; got {n}.")
        self.seed = seed
        self.scale = int(scale)
        self.inputs = None if inputs is None else np.asarray(inputs, "float32")
        self.targets = None if targets is None else np.asarray(targets, "float32")
        if self.targets is not None and self.inputs is None:
            raise ValueError("SampleGrid: targets= needs the inputs= they belong to.")
        if self.targets is not None and len(self.targets) < len(self.inputs):
            raise ValueError(
                f"SampleGrid: {len(self.inputs)} inputs but only {len(self.targets)} "
                "targets; give one target per input."
            )
        self.pairs_per_row = None if pairs_per_row is None else int(pairs_per_row)
        self.tensorboard_dir = None
        self._pair_inputs = None

    def set_peers(self, callbacks):
        """Finds a TensorBoard callback of the same `fit()` (called by `fit()`)."""
        boards = [c for c in callbacks if isinstance(c, keras.callbacks.TensorBoard)]
        if boards:
            self.tensorboard_dir = os.path.join(boards[0].log_dir, "samples")

    def set_model(self, model):
        super().set_model(model)
        self._pair_inputs = None
        if self._draws_pairs(model):
            if self.inputs is None and _sample_inputs_of(model) is None:
                raise TypeError(
                    f"SampleGrid draws input → output pairs for {type(model).__name__} "
                    "(a DataToData model) and needs inputs: pass "
                    "SampleGrid(directory, inputs=x) with a few example inputs, or "
                    "give the model a sample_inputs(n, seed) method."
                )
        elif not isinstance(model, LatentToData):
            raise TypeError(
                "SampleGrid draws samples of a LatentToData model (generate(n, seed)) "
                "or input → output pairs of a DataToData model (translate(x)); "
                f"{type(model).__name__} {describe(model)}."
            )
        elif self.inputs is not None:
            raise TypeError(
                f"SampleGrid(inputs=...) is for DataToData models; "
                f"{type(model).__name__} {describe(model)}: drop inputs= to draw "
                "samples from fixed latents."
            )

    def _draws_pairs(self, model):
        # A model that is both draws pairs only when given inputs.
        if isinstance(model, DataToData):
            return self.inputs is not None or not isinstance(model, LatentToData)
        return False

    def write(self, epoch):
        if self._draws_pairs(self.model):
            return self._write_pairs(epoch)
        n = self.n or 64
        labels = fixed_labels(self.model, n)
        samples = self.model.generate(n, seed=self.seed, labels=labels)
        path = save_samples(
            samples, self.directory / f"epoch_{epoch:03d}.png", scale=self.scale
        )
        if samples.ndim == 4:
            self._to_tensorboard(image_grid(samples), epoch)
        self.written.append(path)
        return path

    def pair_inputs(self):
        """The fixed inputs of the pairs: `inputs[:n]`, or `sample_inputs(n, seed)`."""
        if self._pair_inputs is None:
            if self.inputs is not None:
                inputs = self.inputs[: self.n or len(self.inputs)]
            else:
                inputs = _sample_inputs_of(self.model)(self.n or DEFAULT_PAIRS, self.seed)
            self._pair_inputs = np.asarray(inputs, "float32")
            if len(self._pair_inputs) == 0:
                raise ValueError("SampleGrid got no inputs to translate.")
        return self._pair_inputs

    def _write_pairs(self, epoch):
        inputs = self.pair_inputs()
        outputs = np.asarray(self.model.translate(inputs), "float32")
        columns = [inputs, outputs]
        if self.targets is not None:
            columns.append(self.targets[: len(inputs)])
        grid = pair_grid(columns, pairs_per_row=self.pairs_per_row)
        path = save_png(grid, self.directory / f"epoch_{epoch:03d}.png", scale=self.scale)
        self._to_tensorboard(grid, epoch)
        self.written.append(path)
        return path

    def _to_tensorboard(self, grid, epoch):
        if self.tensorboard_dir:
            from kerasgan.backend import summary

            summary.write_image(self.tensorboard_dir, "samples", grid, epoch)


def _sample_inputs_of(model):
    # `sample_inputs` is the optional part of the DataToData protocol.
    return getattr(model, "sample_inputs", None)


def pair_grid(columns, pairs_per_row=None, padding=2):
    """Tiles images as pairs `input | output [| target]` into one uint8 image.

    Args:
        columns: a list of batches of equal length, e.g. `[inputs, outputs]`:
            float images `(n, h, w, c)` in [-1, 1]. Batches of different sizes are
            enlarged to the largest (nearest-neighbour); 1-channel images beside
            3-channel ones are repeated to 3 channels.
        pairs_per_row: how many pairs sit side by side; default: a near-square grid.
        padding: pixels of black between images.

    Returns:
        A uint8 array `(H, W, channels)`; row `r` holds pairs
        `r * pairs_per_row, ...`, each as its images left to right.
    """
    columns = [np.asarray(c, "float32") for c in columns]
    n = len(columns[0])
    for column in columns:
        if column.ndim != 4:
            raise ValueError(
                "SampleGrid draws input → output pairs of images (n, h, w, c); got a "
                f"batch of shape {column.shape}."
            )
        if len(column) != n:
            raise ValueError(
                f"Every column of a pair grid needs {n} images; got {len(column)}."
            )
    height = max(c.shape[1] for c in columns)
    width = max(c.shape[2] for c in columns)
    channels = max(c.shape[3] for c in columns)
    columns = [_conform(c, height, width, channels) for c in columns]
    per_pair = len(columns)
    if pairs_per_row is None:
        # Rows of k pairs are k · per_pair images wide and n / k high: near-square.
        pairs_per_row = max(1, round(math.sqrt(n / per_pair)))
    pairs_per_row = min(int(pairs_per_row), n)
    # Pair i's images, left to right, then pair i + 1's.
    interleaved = np.stack(columns, axis=1)
    interleaved = interleaved.reshape((n * per_pair, height, width, channels))
    return image_grid(interleaved, columns=pairs_per_row * per_pair, padding=padding)


def _conform(images, height, width, channels):
    """Nearest-neighbour enlargement to `(height, width)`; 1 → `channels` channels."""
    _, h, w, c = images.shape
    if (h, w) != (height, width):
        rows = np.arange(height) * h // height
        cols = np.arange(width) * w // width
        images = images[:, rows][:, :, cols]
    if c != channels:
        if c != 1:
            raise ValueError(
                f"SampleGrid cannot draw {c}-channel images beside {channels}-channel "
                "ones."
            )
        images = np.repeat(images, channels, axis=-1)
    return images
