"""A fit() callback writing a grid of samples from fixed latents every N epochs."""

import pathlib

import keras

from kerasgan.utils.images import image_grid
from kerasgan.utils.images import save_png


class SampleGrid(keras.callbacks.Callback):
    """Writes `epoch_NNN.png`: a grid of `n` samples from the same latents each time.

    Fixed latents (from `seed`) make the grids of successive epochs comparable.
    Works with any kerasgan model (it calls `model.generate`).

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
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every must be a positive number of epochs; got {every}.")
        self.directory = pathlib.Path(directory)
        self.every = int(every)
        self.n = int(n)
        self.seed = seed
        self.scale = int(scale)
        self.written = []
        self._epochs_seen = 0

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_seen = epoch + 1
        if (epoch + 1) % self.every == 0:
            self.write(epoch + 1)

    def on_train_end(self, logs=None):
        if self._epochs_seen and self._epochs_seen % self.every:
            self.write(self._epochs_seen)

    def write(self, epoch):
        images = self.model.generate(self.n, seed=self.seed)
        path = self.directory / f"epoch_{epoch:03d}.png"
        save_png(image_grid(images), path, scale=self.scale)
        self.written.append(path)
        return path
