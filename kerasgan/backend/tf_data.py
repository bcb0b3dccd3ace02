"""TensorFlow for tf.data on every Keras backend, imported on first use.

tf.data is the input pipeline Keras itself feeds `fit()` with on TensorFlow, JAX and
PyTorch alike; `kerasgan.data` reaches TensorFlow only through these functions, so
the framework imports stay in `kerasgan.backend`.
"""

import keras


def tensorflow():
    """Imports TensorFlow for tf.data, keeping it off the GPU when Keras runs elsewhere.

    Returns:
        The `tensorflow` module.
    """
    try:
        import tensorflow as tf
    except ImportError as error:
        raise ImportError(
            "kerasgan.data builds tf.data pipelines and needs TensorFlow on every "
            "backend (JAX and PyTorch too). Install it: pip install tensorflow-cpu "
            "(or pip install 'kerasgan[tensorflow]')."
        ) from error
    if keras.backend.backend() != "tensorflow":
        _hide_gpus_from(tf)
    return tf


def _hide_gpus_from(tf):
    # TF would otherwise reserve most of the GPU memory that JAX or torch train on;
    # tf.data only needs the CPU. This works only before TF first touches a device.
    try:
        tf.config.set_visible_devices([], "GPU")
    except RuntimeError:
        pass


def tensorflow_datasets():
    """Imports tensorflow_datasets on first use (it is optional)."""
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise ImportError(
            "'tfds:<name>' datasets need TensorFlow Datasets: pip install "
            "tensorflow-datasets (or pip install 'kerasgan[tensorflow]')."
        ) from error
    return tfds


def merge_batches(dataset, count):
    """Joins every `count` consecutive batches of a tf.data dataset into one.

    Used when a train step consumes several real batches (a critic that draws a
    fresh batch per step): the step splits the joined batch back into `count`.
    """
    tf = tensorflow()

    def join_one(e):
        inner = e.shape[2:]
        if inner.is_fully_defined():  # keeps the static shape the model is traced with
            return tf.reshape(e, [-1] + inner.as_list())
        return tf.reshape(e, tf.concat([[-1], tf.shape(e)[2:]], axis=0))

    def join(*elements):
        return tuple(join_one(e) for e in elements)

    merged = dataset.batch(count)
    if isinstance(dataset.element_spec, tuple):
        return merged.map(join)
    return merged.map(lambda e: join(e)[0])
