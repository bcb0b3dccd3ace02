"""MinibatchStdDev: its value, and the batch sizes it refuses (in the layer, and in
StyleGAN.fit before any training) on every backend."""

import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from kerasgan.layers import MinibatchStdDev

TINY_STYLE_GAN = dict(latent_dim=8, data_shape=(8, 8, 1), mapping_layers=2, g_filters=4,
                      d_filters=4, max_filters=8, ema_decay=None, seed=0)


def _reference(x, group):
    """Member i of the batch is in group i % (batch // group), as the reshape groups."""
    groups = len(x) // group
    out = np.empty(len(x))
    for g in range(groups):
        members = x[g::groups].astype("float64")
        out[g::groups] = np.mean(np.sqrt(np.var(members, axis=0) + 1e-8))
    return out


@pytest.mark.parametrize("batch", [8, 3])
def test_the_extra_channel_is_the_mean_stddev_of_each_group(batch):
    x = np.random.default_rng(0).normal(size=(batch, 3, 3, 2)).astype("float32")
    y = ops.convert_to_numpy(MinibatchStdDev(4)(x))
    np.testing.assert_allclose(y[..., :2], x)
    expected = _reference(x, min(4, batch))
    np.testing.assert_allclose(y[..., 2], np.broadcast_to(expected[:, None, None], (batch, 3, 3)),
                               rtol=1e-5)


def test_the_layer_refuses_a_batch_it_cannot_split_into_groups():
    layer = MinibatchStdDev(4, name="mbstd")
    with pytest.raises(ValueError, match=r"'mbstd' splits each batch into groups of "
                                         r"group_size=4 examples; a batch of 6 does not split"):
        layer(np.zeros((6, 2, 2, 3), "float32"))


def test_style_gan_fit_refuses_array_batches_before_training_and_takes_a_small_last_one():
    model = kerasgan.models.StyleGAN(**TINY_STYLE_GAN)
    model.compile()
    with pytest.raises(ValueError, match=r"14 examples in batches of 8 give a batch of 6"):
        model.fit(random_images(14, (8, 8, 1)), batch_size=8, verbose=0)
    assert int(model.optimizer.iterations) == 0
    # A last batch of 2 is one group of 2 (also where TF retraces it with a dynamic size).
    model.fit(random_images(10, (8, 8, 1)), batch_size=8, epochs=1, verbose=0)
    assert int(model.optimizer.iterations) == 2


def test_a_dataset_batch_that_does_not_split_is_refused_by_the_layer_at_the_first_step():
    model = kerasgan.models.StyleGAN(**TINY_STYLE_GAN)
    model.compile()
    # kerasgan.data pipelines drop the last batch: a static batch size on every backend.
    ds = kerasgan.data.load("mnist-5k", batch_size=6, image_size=8, seed=0)
    with pytest.raises(ValueError, match="group_size=4 examples; a batch of 6"):
        model.fit(ds, steps_per_epoch=1, epochs=1, verbose=0)
    assert int(model.optimizer.iterations) == 0
