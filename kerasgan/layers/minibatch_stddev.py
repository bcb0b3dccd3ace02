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
    one group).

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

    def call(self, inputs):
        batch = inputs.shape[0]
        # A static batch (JAX, torch, XLA) gives a static group; a dynamic one (TF
        # graphs) uses group_size and must be a multiple of it.
        group = self.group_size if batch is None else min(self.group_size, batch)
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
    one; each must be a multiple of `group_size` (or smaller than it), else the
    reshape into groups fails inside the jitted step with an obscure message.
    Pipelines are not checked (their batch sizes are unknown before the first).
    """
    if not hasattr(x, "shape"):
        return
    size = batch_size or 32
    sizes = {min(size, len(x)), len(x) % size or size}
    if any(s % group_size for s in sizes):
        raise ValueError(
            f"{model_name}'s discriminator splits each batch into groups of "
            f"mbstd_group_size={group_size}; {len(x)} examples in batches of {size} "
            f"give batches of {sorted(sizes)}. Use a batch size and a number of "
            f"examples that are multiples of {group_size}.")
