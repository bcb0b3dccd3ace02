"""Input checks with errors that say what is wrong and how to fix it."""

import math

import keras
import numpy as np

from kerasgan.utils.files import atomic_path


def _shape_mismatch_message(got, expected, model_name):
    return (
        f"{model_name} expects data of shape (batch,) + {tuple(expected)}, got a batch "
        f"of shape {tuple(got)}. Resize the data, or build the model for it "
        f"(e.g. image_shape={tuple(got[1:])})."
    )


def check_batch_shape(x, expected, model_name):
    """Raises at trace time when a batch does not match the model's data shape."""
    if x is None:
        raise ValueError(f"{model_name}.fit() got no data: pass images as x.")
    shape = tuple(x.shape)
    if len(shape) != len(expected) + 1 or any(
        s is not None and s != e for s, e in zip(shape[1:], expected)
    ):
        raise ValueError(_shape_mismatch_message(shape, expected, model_name))


def check_training_data(x, expected, model_name):
    """Checks arrays fully (shape, finiteness, range) and datasets by their spec."""
    if isinstance(x, np.ndarray) or (
        hasattr(x, "shape") and hasattr(x, "dtype") and not hasattr(x, "element_spec")
    ):
        array = np.asarray(keras.ops.convert_to_numpy(x))
        check_batch_shape(array, expected, model_name)
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(
                f"{model_name} trains on floating-point data in [-1, 1]; got dtype "
                f"{array.dtype}. Scale it, e.g. x.astype('float32') / 127.5 - 1."
            )
        finite = np.isfinite(array)
        if not finite.all():
            bad = np.argwhere(~finite.reshape(len(array), -1).all(axis=1)).ravel()
            raise ValueError(
                f"The training data has {int((~finite).sum())} NaN/inf values in "
                f"{len(bad)} examples (first indices: {bad[:5].tolist()}). Remove or "
                "repair them before fit()."
            )
        return
    spec = getattr(x, "element_spec", None)
    if spec is not None:
        first = spec[0] if isinstance(spec, tuple) else spec
        if hasattr(first, "shape") and first.shape.rank is not None:
            check_batch_shape(first, expected, model_name)


def _is_finite(value):
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


class NonFiniteLossGuard(keras.callbacks.Callback):
    """Stops training cleanly when a logged loss turns NaN or inf.

    `GAN.fit` adds one automatically; pass your own to keep the last good weights on
    disk. Raising inside a callback would leave JAX's model state unsynchronised, so
    the guard asks `fit()` to stop and `GAN.fit` raises `FloatingPointError(error)`
    afterwards.

    Args:
        last_good_path: a `.weights.h5` path. At every epoch end with finite logs the
            weights (optimizers and RNG states included) are written there
            atomically, and the error names the file.

    Example:

    ```python
    guard = kerasgan.callbacks.NonFiniteLossGuard("runs/last_good.weights.h5")
    gan.fit(ds, epochs=50, callbacks=[guard])  # FloatingPointError on NaN
    ```
    """

    def __init__(self, last_good_path=None):
        super().__init__()
        self.last_good_path = last_good_path
        self.last_good_epoch = None
        self.failure = None

    @property
    def error(self):
        """Why training stopped, with where the last good weights are; None if it did not."""
        if self.failure is None or self.last_good_epoch is None:
            return self.failure
        return (
            f"{self.failure} The weights after epoch {self.last_good_epoch}, the last "
            f"with finite losses, are in {self.last_good_path}: "
            "model.load_weights(path) restores them."
        )

    def on_train_batch_end(self, batch, logs=None):
        bad = {k: v for k, v in (logs or {}).items() if not _is_finite(v)}
        if bad and self.failure is None:
            self.failure = (
                f"Training stopped at batch {batch}: non-finite values {bad}. "
                "Common causes: NaN/inf in the input data (check np.isfinite(x).all() "
                "on every batch), a learning rate that is too high, or a diverging "
                "loss; try a lower learning rate, gradient penalty or spectral norm."
            )
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        finite = all(_is_finite(v) for v in (logs or {}).values())
        if self.last_good_path is None or self.failure is not None or not finite:
            return
        with atomic_path(self.last_good_path) as tmp:
            self.model.save_weights(tmp)
        self.last_good_epoch = epoch + 1
