"""`ImageTranslator`: what Pix2Pix, CycleGAN and SRGAN share.

An adversarial model that maps images to images (`kerasgan.engine.DataToData`):
its batch is two images (`data_spec()`), `translate(x)` maps NumPy images to NumPy
images through one of its generators, in inference mode, the same on every backend.
"""

import numpy as np

from kerasgan.engine import inference
from kerasgan.engine.data_spec import DataSpec
from kerasgan.engine.gan import count_argument
from kerasgan.engine.model import AdversarialModel
from kerasgan.engine.protocols import DataToData

#: Values further outside [-1, 1] than this are taken for unscaled images.
RANGE_SLACK = 1e-3


class ImageTranslator(AdversarialModel, DataToData):
    """Base of the image-to-image models.

    Subclasses set `input_names` (the two elements of a batch, e.g. `("source",
    "target")`), build their networks, pass the two shapes to `__init__` and
    implement `translator(direction)`.

    Args:
        networks: `{name: keras.Model}`, as for `AdversarialModel`.
        input_shape_a: the shape of one example of the batch's first element.
        input_shape_b: the shape of one example of its second element.
        **kwargs: `AdversarialModel` arguments (`seed`, `ema_decay`, `name`).
    """

    input_names = ("source", "target")
    directions = (None,)

    def __init__(self, networks, input_shape_a, input_shape_b, **kwargs):
        self.shapes = (tuple(input_shape_a), tuple(input_shape_b))
        super().__init__(networks, **kwargs)

    def data_spec(self):
        return tuple(DataSpec(name, shape) for name, shape in zip(self.input_names, self.shapes))

    def translator(self, direction=None):
        """The network `translate(x, direction)` runs."""
        raise NotImplementedError

    @classmethod
    def for_data_shapes(cls, shapes, **kwargs):
        """An instance for batches whose elements have `shapes` (what
        `kerasgan.training` builds from a dataset); `kwargs` are constructor
        arguments."""
        raise NotImplementedError(f"{cls.__name__} must define for_data_shapes().")

    def run_optimizers(self, total_steps):
        """The optimizers of a run of `total_steps` steps: the defaults, unless a
        model's schedule depends on the run's length (CycleGAN's decay)."""
        del total_steps
        return self.default_optimizers()

    def translate(self, x, direction=None, batch_size=64):
        """Translates images in [-1, 1] (NumPy, `(n, h, w, c)` or one `(h, w, c)`).

        Args:
            x: the images, in [-1, 1].
            direction: for two-way models (CycleGAN) `"a_to_b"` or `"b_to_a"`.
            batch_size: images per forward pass.

        Returns:
            A float32 NumPy array of the translations, in [-1, 1], one per input.
        """
        network = self.translator(direction)
        batch_size = count_argument(batch_size, "batch_size")
        x, single = self._checked_images(x, tuple(network.input_shape[1:]))
        out = inference.run_batches(self, ("translate", id(network)),
                                    lambda images: network(images, training=False),
                                    [np.asarray(x, "float32")], batch_size)
        return out[0] if single else out

    def shape_advice(self):
        """What the error on images of the wrong shape advises."""
        return ("Resize the images (e.g. kerasgan.data.load(..., image_size=...)) or "
                "build the model for them.")

    def _checked_images(self, x, shape):
        x = np.asarray(x)
        if x.dtype == np.uint8:
            raise ValueError(
                "translate() takes float images in [-1, 1]; got uint8 (0..255) images. "
                "Scale them first: x.astype('float32') / 127.5 - 1."
            )
        single = x.ndim == len(shape) and _fits(x.shape, shape)
        x = x[None] if single else x
        if x.ndim != len(shape) + 1 or not _fits(x.shape[1:], shape):
            raise ValueError(
                f"{type(self).__name__} translates images of shape {shape} (None: any "
                f"size); got an array "
                f"of shape {tuple(np.shape(x))}. {self.shape_advice()}"
            )
        x = x.astype("float32")
        if x.size and (x.min() < -1 - RANGE_SLACK or x.max() > 1 + RANGE_SLACK):
            raise ValueError(
                f"Images must be in [-1, 1]; got values in [{x.min():.3g}, {x.max():.3g}]. "
                "Scale them: x / 127.5 - 1 for 0..255, 2 * x - 1 for 0..1."
            )
        return x, single


def check_same_size(model, shapes, arguments, reason):
    """Refuses two shapes that are not images of the same height and width.

    Args:
        model: the model's name, for the message.
        shapes: the two shapes.
        arguments: the constructor arguments that gave them.
        reason: why the model needs the same size ("maps each source pixel to a
            target pixel").
    """
    (a, b), (name_a, name_b) = shapes, arguments
    if len(a) != 3 or len(b) != 3:
        raise ValueError(
            f"{model} translates images: {name_a} and {name_b} must be (height, "
            f"width, channels); got {a} and {b}."
        )
    if a[:2] != b[:2]:
        raise ValueError(
            f"{model} {reason}: {name_a} ({a}) and {name_b} ({b}) must have the same "
            "height and width. Resize one of them (e.g. kerasgan.data.load(..., "
            "image_size=...))."
        )


def _fits(actual, expected):
    """Whether an array shape fits a network's input shape (None: any size)."""
    return len(actual) == len(expected) and all(
        e is None or a == e for a, e in zip(actual, expected)
    )

