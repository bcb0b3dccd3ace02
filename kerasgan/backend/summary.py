"""TensorBoard image summaries, on every Keras backend.

Keras's own `TensorBoard` callback writes with `tf.summary` whatever the backend, so
TensorFlow is installed wherever TensorBoard is used; it is imported here lazily,
only when an image is written.
"""

_writers = {}


def write_image(log_dir, tag, image, step):
    """Appends a uint8 `(H, W, 1|3)` image to the TensorBoard event file in `log_dir`.

    Args:
        log_dir: the summary folder (TensorBoard shows it as a run).
        tag: the image's name in TensorBoard.
        image: a uint8 array.
        step: the x-axis value (the epoch).
    """
    import tensorflow as tf

    log_dir = str(log_dir)
    if log_dir not in _writers:
        _writers[log_dir] = tf.summary.create_file_writer(log_dir)
    writer = _writers[log_dir]
    with writer.as_default():
        tf.summary.image(tag, image[None], step=step)
    writer.flush()
