"""Input checks with errors that say what is wrong and how to fix it.

`fit()` runs them in Python before Keras builds or runs the compiled step: on JAX an
error raised inside the step would otherwise leave the model's variables empty.
"""

import math
import warnings

import keras
import numpy as np

from kerasgan.utils.files import atomic_path


def _shape_mismatch_message(got, spec, model_name):
    return (
        f"{model_name} expects {spec.name} of shape (batch,) + {tuple(spec.shape)}, got "
        f"a batch of shape {tuple(got)}. Resize the data, or build the model for it "
        f"(e.g. data_shape={tuple(got[1:])})."
    )


def _matches(shape, expected):
    return len(shape) == len(expected) + 1 and all(
        s is None or e is None or s == e for s, e in zip(shape[1:], expected)
    )


def check_batch_shape(x, spec, model_name):
    """Raises at trace time when a batch element does not match its spec."""
    if x is None:
        raise ValueError(f"{model_name}.fit() got no {spec.name}: pass them in the data.")
    shape = tuple(x.shape)
    if spec.kind == "label":
        if len(shape) == 2 and shape[1] not in (1, None):
            raise ValueError(_one_hot_message(spec, model_name, shape))
        if len(shape) not in (1, 2):
            raise ValueError(
                f"{model_name} expects {spec.name} of shape (batch,), one integer class "
                f"per example; got shape {shape}."
            )
        return
    if not _matches(shape, spec.shape):
        raise ValueError(_shape_mismatch_message(shape, spec, model_name))


def _one_hot_message(spec, model_name, shape):
    return (
        f"{model_name} expects {spec.name} as integer classes of shape (batch,); got "
        f"shape {tuple(shape)}, which looks one-hot. Convert with "
        "labels = np.argmax(one_hot, axis=-1) (or dataset.map(lambda x, y: "
        "(x, tf.argmax(y, -1))))."
    )


def batch_elements(x, y=None):
    """The elements of a batch or of fit's data: `(x, y)`, or x's items if y is None."""
    if y is None and isinstance(x, (tuple, list)):
        return list(x)
    return [x] if y is None else [x, y]


def _is_array(value):
    return isinstance(value, np.ndarray) or (
        hasattr(value, "shape") and hasattr(value, "dtype")
        and not hasattr(value, "element_spec")
    )


def check_fit_arguments(kwargs, model_name):
    """Refuses fit() options a GAN cannot honour, before any training."""
    # Keras's own defaults (validation_data=None, validation_split=0.0) pass.
    for option in ("validation_data", "validation_split"):
        value = kwargs.get(option)
        if value is not None and not (option == "validation_split" and value == 0):
            raise ValueError(
                f"{model_name}.fit() does not take {option}: a GAN has no validation "
                "loss. Measure samples with kerasgan.metrics (e.g. the "
                "kerasgan.callbacks.Metrics callback) instead."
            )


def check_training_data(x, y, specs, model_name):
    """Checks arrays fully and tf.data datasets by their spec and first batch."""
    if hasattr(x, "element_spec"):
        _check_dataset(x, specs, model_name)
    elif all(_is_array(e) or e is None for e in batch_elements(x, y)) and x is not None:
        elements = [
            None if e is None else np.asarray(keras.ops.convert_to_numpy(e))
            for e in batch_elements(x, y)
        ]
        _check_arrays(elements, specs, model_name, source="training data")
    elif x is None:
        raise ValueError(f"{model_name}.fit() got no data: pass images as x.")


def _pair(elements, specs, model_name):
    required = [s for s in specs if s.required]
    present = [e for e in elements if e is not None]
    if len(present) < len(required):
        names = ", ".join(s.name for s in required)
        raise ValueError(
            f"{model_name} trains on batches of ({names}); the data has only "
            f"{len(present)} element(s). "
            + ("Call fit(x, y) with integer labels as y." if any(
                s.kind == "label" for s in required) else "")
        )
    if len(elements) > len(specs):
        names = ", ".join(s.name for s in specs)
        raise ValueError(
            f"{model_name} trains on batches of ({names}); the data has "
            f"{len(elements)} elements."
        )
    return list(zip(specs, elements))


def _check_arrays(elements, specs, model_name, source):
    lengths = {len(e) for e in elements if e is not None}
    if lengths == {0}:
        raise ValueError(f"{model_name}.fit() got empty {source}: there is nothing to train on.")
    if len(lengths) > 1:
        raise ValueError(f"The elements of the {source} differ in length: {sorted(lengths)}.")
    for spec, array in _pair(elements, specs, model_name):
        if array is None:
            continue
        check_batch_shape(array, spec, model_name)
        if spec.kind in ("label", "tokens"):
            _check_label_values(array, spec, model_name)
        else:
            _check_data_values(array, spec, model_name, source)


def _check_label_values(labels, spec, model_name):
    if spec.kind == "tokens":
        labels = labels.reshape(-1)
    elif labels.ndim == 2:
        labels = labels.reshape(len(labels), -1)[:, 0]
    if not np.issubdtype(labels.dtype, np.integer):
        if np.issubdtype(labels.dtype, np.floating) and np.all(labels == np.round(labels)):
            hint = "Convert them: y.astype('int32')."
        else:
            hint = "Labels are class indices, not probabilities or scores."
        raise ValueError(
            f"{model_name} expects integer {spec.name}; got dtype {labels.dtype}. {hint}"
        )
    low, high = int(labels.min()), int(labels.max())
    if low < 0 or (spec.num_classes is not None and high >= spec.num_classes):
        raise ValueError(
            f"{model_name} expects {spec.name} in [0, {spec.num_classes}); got values "
            f"from {low} to {high}. Map them to 0..num_classes-1 or build the model "
            f"with num_classes={high + 1}."
        )


def _check_data_values(array, spec, model_name, source):
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"{model_name} trains on floating-point {spec.name} in [-1, 1]; got dtype "
            f"{array.dtype}. Scale it, e.g. x.astype('float32') / 127.5 - 1."
        )
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite.reshape(len(array), -1).all(axis=1)).ravel()
        raise ValueError(
            f"The {source} has {int((~finite).sum())} NaN/inf values in {len(bad)} "
            f"examples (first indices: {bad[:5].tolist()}). Remove or repair them "
            "before fit()."
        )
    warn_on_data_range(float(array.min()), float(array.max()), spec, model_name)


def warn_on_data_range(low, high, spec, model_name):
    """Warns when images look like [0, 255] or [0, 1] instead of [-1, 1].

    Only images (rank-3 examples) are expected in [-1, 1]; vectors such as the toy
    2-D mixtures have their own range.
    """
    if len(spec.shape) != 3 or low < 0.0:
        return
    if high > 1.5:
        fix, seen = "x / 127.5 - 1", "[0, 255]"
    elif high > 0.0:
        fix, seen = "x * 2 - 1", "[0, 1]"
    else:
        return
    warnings.warn(
        f"{model_name}: the {spec.name} range from {low:.3g} to {high:.3g}, which looks "
        f"like {seen}; the generator's tanh output lies in [-1, 1]. Scale them with "
        f"{fix} (kerasgan.data pipelines already do).",
        stacklevel=6,
    )


def _check_dataset(dataset, specs, model_name):
    cardinality = int(dataset.cardinality())
    if cardinality == 0:
        raise ValueError(
            f"{model_name}.fit() got an empty dataset: there is nothing to train on "
            "(check filters, take() and batch(drop_remainder=True) on small data)."
        )
    element_spec = dataset.element_spec
    elements = batch_elements(*element_spec) if isinstance(element_spec, tuple) else [
        element_spec
    ]
    for spec, tensor_spec in _pair(elements, specs, model_name):
        if tensor_spec is None or getattr(tensor_spec.shape, "rank", None) is None:
            continue
        check_batch_shape(tensor_spec, spec, model_name)
        dtype = tensor_spec.dtype
        if spec.kind == "data" and not dtype.is_floating:
            raise ValueError(
                f"{model_name} trains on floating-point {spec.name} in [-1, 1]; the "
                f"dataset yields {dtype.name}. Add dataset.map(lambda x, *rest: "
                "(tf.cast(x, 'float32') / 127.5 - 1, *rest)) or use kerasgan.data.load."
            )
    _check_first_batch(dataset, specs, model_name)


def _check_first_batch(dataset, specs, model_name):
    """Label values and data range of the first batch (datasets are re-iterable)."""
    first = next(iter(dataset.take(1)), None)
    if first is None:
        raise ValueError(f"{model_name}.fit() got an empty dataset: there is nothing to train on.")
    elements = batch_elements(*first) if isinstance(first, tuple) else [first]
    for spec, tensor in _pair(elements, specs, model_name):
        if tensor is None:
            continue
        array = np.asarray(tensor)
        if spec.kind in ("label", "tokens"):
            _check_label_values(array, spec, model_name)
        elif np.issubdtype(array.dtype, np.floating) and array.size:
            warn_on_data_range(float(array.min()), float(array.max()), spec, model_name)


def logs_are_finite(logs):
    """Whether every numeric value of a callback's `logs` is finite."""
    return all(_is_finite(value) for value in (logs or {}).values())


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
        self._epoch = 0

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

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = {k: v for k, v in (logs or {}).items() if not _is_finite(v)}
        if bad and self.failure is None:
            self.failure = (
                f"Training stopped at epoch {self._epoch + 1}, batch {batch}: "
                f"non-finite values {bad}. "
                "Common causes: NaN/inf in the input data (check np.isfinite(x).all() "
                "on every batch), a learning rate that is too high, or a diverging "
                "loss; try a lower learning rate, gradient penalty or spectral norm."
            )
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        finite = logs_are_finite(logs)
        if self.last_good_path is None or self.failure is not None or not finite:
            return
        with atomic_path(self.last_good_path) as tmp:
            self.model.save_weights(tmp)
        self.last_good_epoch = epoch + 1
