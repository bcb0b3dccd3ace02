"""A fit() callback writing a grid of samples from fixed latents every N epochs."""

import os
import pathlib

import keras

from kerasgan.callbacks.periodic import PeriodicWriter
from kerasgan.utils.images import image_grid, save_samples
from kerasgan.utils.labels import fixed_labels


class SampleGrid(PeriodicWriter):
    """Writes `epoch_NNN.png`: `n` samples from the same latents (and labels) each time.

    Fixed latents (from `seed`) make the grids of successive epochs comparable;
    conditional models (with a `num_classes` attribute) get the fixed labels
    0, 1, 2, ... cycling through the classes. Samples come from `model.generate`, so from the EMA generator when
    the model keeps one. 2-D data (toy sets) is drawn as a scatter plot. When a
    `keras.callbacks.TensorBoard` callback is in the same `fit()`, each image grid
    is also written to its log dir (run "samples", tag "samples").

    Args:
        directory: where the PNGs go (created if missing).
        every: write a grid every `every` epochs (and always after the last one).
        n: number of samples.
        seed: seed of the latents.
        scale: integer enlargement of the PNG (small images are hard to see).

    Example:

    ```python
    gan.fit(ds, epochs=5, callbacks=[kerasgan.callbacks.SampleGrid("runs/samples")])
    ```
    """

    def __init__(self, directory, every=1, n=64, seed=0, scale=2):
        super().__init__(every)
        self.directory = pathlib.Path(directory)
        self.n = int(n)
        self.seed = seed
        self.scale = int(scale)
        self.tensorboard_dir = None

    def set_peers(self, callbacks):
        """Finds a TensorBoard callback of the same `fit()` (called by `GAN.fit`)."""
        boards = [c for c in callbacks if isinstance(c, keras.callbacks.TensorBoard)]
        if boards:
            self.tensorboard_dir = os.path.join(boards[0].log_dir, "samples")

    def write(self, epoch):
        samples = self.model.generate(
            self.n, seed=self.seed, labels=fixed_labels(self.model, self.n)
        )
        path = save_samples(
            samples, self.directory / f"epoch_{epoch:03d}.png", scale=self.scale
        )
        if self.tensorboard_dir and samples.ndim == 4:
            from kerasgan.backend import summary

            summary.write_image(
                self.tensorboard_dir, "samples", image_grid(samples), epoch
            )
        self.written.append(path)
        return path
