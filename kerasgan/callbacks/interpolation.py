"""Latent-space walks: linear and spherical paths between the latents of seeds."""

import pathlib
import warnings

import numpy as np

from kerasgan.callbacks.periodic import PeriodicWriter
from kerasgan.callbacks.requires import require
from kerasgan.engine.protocols import LatentToData
from kerasgan.utils.labels import fixed_labels
from kerasgan.utils.images import image_grid, save_gif, save_png, to_uint8

METHODS = ("linear", "spherical")


def interpolate(start, end, steps, method="spherical"):
    """`steps` latents from `start` to `end` (both included).

    Spherical interpolation (slerp, White 2016) keeps the norm of Gaussian latents
    typical; a linear path passes through low-norm latents the generator rarely saw.

    Args:
        start: a latent vector.
        end: a latent vector of the same shape.
        steps: number of points, at least 2.
        method: "linear" or "spherical".

    Returns:
        A float32 array `(steps,) + start.shape`.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}.")
    if int(steps) < 2:
        raise ValueError(f"steps must be at least 2; got {steps}.")
    t = np.linspace(0.0, 1.0, int(steps))[:, None]
    start, end = np.asarray(start, "float64"), np.asarray(end, "float64")
    cosine = np.dot(start, end) / (np.linalg.norm(start) * np.linalg.norm(end))
    omega = np.arccos(np.clip(cosine, -1.0, 1.0))
    if method == "linear" or np.sin(omega) < 1e-6:  # (anti)parallel: slerp is lerp
        path = (1 - t) * start + t * end
    else:
        path = (np.sin((1 - t) * omega) * start + np.sin(t * omega) * end) / np.sin(omega)
    return path.astype("float32")


def latent_walk(model, seeds, steps, method="spherical"):
    """Paths between the latents `model.generate` uses for each seed, in order.

    Returns:
        A float32 array `(len(seeds) - 1, steps, latent_dim)`.
    """
    if not isinstance(model, LatentToData):
        raise TypeError(
            f"A latent walk needs a model that draws data from latents "
            f"(kerasgan.engine.LatentToData); {type(model).__name__} is not one."
        )
    if len(seeds) < 2:
        raise ValueError(f"A latent walk needs at least 2 seeds; got {list(seeds)}.")
    anchors = [model.latents_for(1, seed)[0] for seed in seeds]
    return np.stack(
        [interpolate(a, b, steps, method) for a, b in zip(anchors, anchors[1:])]
    )


def write_latent_walk(
    model, png_path=None, gif_path=None, seeds=(0, 1, 2, 3), steps=8, method="spherical"
):
    """Draws a latent walk: a PNG strip (one row per pair of seeds) and/or a GIF.

    The GIF loops back to the first seed. Image models only; a conditional model
    keeps one class along each path.

    Returns:
        The paths written.
    """
    seeds = list(seeds)
    walk = latent_walk(model, seeds + seeds[:1] if gif_path else seeds, steps, method)
    # Conditional models: path i keeps class i % num_classes all along.
    labels = fixed_labels(model, len(walk))
    if labels is not None:
        labels = np.repeat(labels, steps)
    images = model.generate_from_latents(walk.reshape(-1, walk.shape[-1]), labels=labels)
    if images.ndim != 4:
        raise ValueError(
            f"A latent walk is drawn for image models; this model makes samples of "
            f"shape {images.shape[1:]}."
        )
    images = images.reshape(walk.shape[:2] + images.shape[1:])
    written = []
    if png_path:
        rows = images[: len(seeds) - 1].reshape((-1,) + images.shape[2:])
        written.append(save_png(image_grid(rows, columns=steps), png_path, scale=2))
    if gif_path:
        # Drop each path's last frame: it is the next path's first.
        frames = images[:, :-1].reshape((-1,) + images.shape[2:])
        written.append(save_gif(to_uint8(frames), gif_path, scale=4))
    return written


class LatentInterpolation(PeriodicWriter):
    """Every N epochs, walks the latent space between fixed seeds: PNG strip and GIF.

    Writes `epoch_NNN.png` (one row per consecutive pair of seeds, `steps` images
    each) and `epoch_NNN.gif` (the walk looping through all seeds). Uses
    `model.generate_from_latents`, so the EMA generator when the model keeps one.
    Models of 2-D points are skipped with a warning. The model must draw data from
    latents (`kerasgan.engine.LatentToData`); a data-to-data model (Pix2Pix,
    CycleGAN) has no latent space to walk, and `fit()` stops with a `TypeError`
    before training.

    Args:
        directory: where the files go.
        every: epochs between walks (and always after the last epoch).
        seeds: the seeds whose latents the walk visits.
        steps: images per path, both ends included.
        method: "spherical" (slerp) or "linear".
        gif: also write the animated GIF.

    Example:

    ```python
    gan.fit(ds, epochs=50, callbacks=[
        kerasgan.callbacks.LatentInterpolation("runs/interp", every=10)])
    ```
    """

    def __init__(
        self,
        directory,
        every=10,
        seeds=(0, 1, 2, 3),
        steps=8,
        method="spherical",
        gif=True,
    ):
        super().__init__(every)
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}; got {method!r}.")
        self.directory = pathlib.Path(directory)
        self.seeds = list(seeds)
        self.steps = int(steps)
        self.method = method
        self.gif = gif
        self._sample_shape = None

    def set_model(self, model):
        super().set_model(model)
        require(
            self,
            model,
            LatentToData,
            "A data-to-data model has no latent space to walk; draw its input → "
            "output pairs with kerasgan.callbacks.SampleGrid(directory, inputs=x).",
        )
        self._sample_shape = None

    def sample_shape(self):
        """The shape of one sample of the model (from one generated sample, cached)."""
        if self._sample_shape is None:
            one = self.model.generate_from_latents(
                self.model.latents_for(1, 0), labels=fixed_labels(self.model, 1)
            )
            self._sample_shape = tuple(one.shape[1:])
        return self._sample_shape

    def write(self, epoch):
        if len(self.sample_shape()) < 3:
            warnings.warn("LatentInterpolation draws images; skipped for 2-D data.")
            return []
        stem = self.directory / f"epoch_{epoch:03d}"
        paths = write_latent_walk(
            self.model,
            png_path=stem.with_suffix(".png"),
            gif_path=stem.with_suffix(".gif") if self.gif else None,
            seeds=self.seeds,
            steps=self.steps,
            method=self.method,
        )
        self.written.extend(paths)
        return paths
