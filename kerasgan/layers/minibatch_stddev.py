"""Minibatch standard deviation (ProGAN), a cheap signal against mode collapse."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the average standard deviation across a group of examples as a feature.

    The batch is split into groups of `group_size`; for each group the standard
    deviation of every feature over the group is averaged into one number, broadcast
    to a new last channel (or feature) of each member. A collapsed generator produces
    batches with a tell-tale low value, which the discriminator can exploit.
    Works on `(batch, features)` and `(batch, ..., channels)` inputs; the batch size
    must be a multiple of `group_size` (or smaller than it: then the whole batch is
    one group). A call on a batch of known size checks it (`check_batch_size`) and
    raises a ValueError that says so; a model can check its batches before `fit()`.
    A batch of unknown size (a TensorFlow graph traced for any batch, as Keras does
    for Python generators or a last, smaller batch) is grouped in the graph and
    cannot be checked before it runs.

    Args:
        group_size: examples per group (4 in the paper).
        **kwargs: base layer arguments.

    Paper: Karras et al. 2018 (ProGAN), https://arxiv.org/abs/1710.10196; an
    improvement on minibatch discrimination, Salimans et al. 2016.
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        if int(group_size) < 2:
            raise ValueError(f"group_size must be at least 2; got {group_size}.")
        self.group_size = int(group_size)

    def check_batch_size(self, batch_size, context=""):
        """Raises a ValueError unless batches of `batch_size` split into groups.

        Args:
            batch_size: the number of examples of a batch.
            context: where the batch comes from, said in the error (e.g. "60000
                examples in batches of 64 end with a batch of 32").
        """
        if batch_size > self.group_size and batch_size % self.group_size:
            where = f" ({context})" if context else ""
            raise ValueError(
                f"{type(self).__name__} {self.name!r} splits each batch into groups of "
                f"group_size={self.group_size} examples; a batch of {batch_size}"
                f"{where} does not split. Use batches whose size is a multiple of "
                f"{self.group_size} (or at most {self.group_size}): choose the batch "
                "size, and the number of examples or drop_remainder=True for the last "
                "batch, accordingly."
            )

    def call(self, inputs):
        batch = inputs.shape[0]
        if batch is not None:
            self.check_batch_size(batch)
        # A static batch (JAX, torch, XLA) gives a static group; a dynamic one (a TF
        # graph retraced for a last, smaller batch) a group computed in the graph.
        if batch is None:
            group = ops.minimum(self.group_size, ops.shape(inputs)[0])
        else:
            group = min(self.group_size, batch)
        feature_shape = tuple(inputs.shape[1:])
        x = ops.reshape(ops.cast(inputs, "float32"), (group, -1) + feature_shape)
        stddev = ops.sqrt(ops.var(x, axis=0) + 1e-8)
        per_group = ops.mean(stddev, axis=tuple(range(1, len(stddev.shape))))
        # Member i of the batch belongs to group i % (batch // group) after the reshape.
        per_example = ops.tile(per_group, (group,))
        extra = ops.ones(ops.shape(inputs)[:-1] + (1,), dtype="float32")
        extra = extra * ops.reshape(per_example, (-1,) + (1,) * len(feature_shape))
        return ops.concatenate([inputs, ops.cast(extra, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


def check_group_batches(x, batch_size, group_size, model_name):
    """Refuses array data whose batches a `MinibatchStdDev(group_size)` cannot split.

    `fit(x, batch_size=...)` on an array gives full batches and a last, smaller
    one; each must be a multiple of `group_size` (or at most `group_size`: one
    group), else the reshape into groups fails inside the compiled step with an
    obscure message. Pipelines are not checked here (their batch sizes are unknown
    before the first): the layer checks each batch of known size when it runs.
    """
    if not hasattr(x, "shape"):
        return
    size = batch_size or 32  # fit()'s default
    layer = MinibatchStdDev(group_size, name="minibatch_std_dev")
    for batch in sorted({min(size, len(x)), len(x) % size or size}):
        layer.check_batch_size(
            batch, f"{model_name}.fit: {len(x)} examples in batches of {size} give a "
                   f"batch of {batch}")
