"""Pix2Pix: its losses, networks and translation; the standard contract runs too
(tests/test_variant_contract.py)."""

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from kerasgan.models.pix2pix import patch_discriminator

TINY = dict(g_filters=4, d_filters=4, seed=5)


def _pair(n=4, shape=(16, 16, 1), seed=0):
    source = random_images(n, shape, seed)
    return ops.convert_to_tensor(source), ops.convert_to_tensor(-source)


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _softplus(x):
    return np.logaddexp(0.0, x)


def test_losses_match_their_closed_form_on_fixed_inputs():
    model = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), dropout=0.0, **TINY)
    source, target = _pair()
    fake = model.generator(source, training=True)
    real_logits = _numpy(model.discriminator([source, target], training=True))
    fake_logits = _numpy(model.discriminator([source, fake], training=True))
    g_loss, g_logs = model.generator_loss(source, target)
    l1 = np.mean(np.abs(_numpy(target) - _numpy(fake)))
    adversarial = np.mean(_softplus(-fake_logits))
    np.testing.assert_allclose(float(_numpy(g_logs["l1"])), l1, rtol=1e-4)
    np.testing.assert_allclose(float(_numpy(g_loss)), adversarial + 100.0 * l1, rtol=1e-4)
    d_loss, _ = model.discriminator_loss(source, target)
    # The paper halves D's objective (§3.3).
    expected_d = 0.5 * (np.mean(_softplus(-real_logits)) + np.mean(_softplus(fake_logits)))
    np.testing.assert_allclose(float(_numpy(d_loss)), expected_d, rtol=1e-4)


def test_the_ablations_drop_one_term_of_the_generator_loss():
    source, target = _pair()
    l1_only = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), adversarial_weight=0.0,
                                      dropout=0.0, **TINY)
    loss, logs = l1_only.generator_loss(source, target)
    np.testing.assert_allclose(float(_numpy(loss)), 100.0 * float(_numpy(logs["l1"])), rtol=1e-6)
    cgan_only = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), l1_weight=0.0,
                                        dropout=0.0, **TINY)
    loss, logs = cgan_only.generator_loss(source, target)
    np.testing.assert_allclose(float(_numpy(loss)), float(_numpy(logs["g_adversarial"])), rtol=1e-6)


@pytest.mark.parametrize("side, depth, grid", [(28, 2, 14), (32, 5, 16), (64, 6, 16), (256, 8, 32)])
def test_unet_and_patchgan_shapes_follow_the_image_size(side, depth, grid):
    model = kerasgan.models.Pix2Pix(data_shape=(side, side, 1), target_shape=(side, side, 3),
                                    g_filters=2, d_filters=2)
    assert model.generator.depth == depth
    assert model.generator.output_shape == (None, side, side, 3)
    assert model.discriminator.output_shape == (None, grid, grid, 1)
    assert model.translate(random_images(2, (side, side, 1))).shape == (2, side, side, 3)


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_a_patch_sees_exactly_its_receptive_field(layers):
    """One output logit depends on a `receptive_field(layers)`-px square of the input:
    measured by perturbing single pixels."""
    d = kerasgan.models.PatchDiscriminator((128, 128, 1), filters=2, layers=layers, norm="none")
    base = np.zeros((1, 128, 128, 1), "float32")
    reference = _numpy(d(base))
    grid = reference.shape[1]
    centre = grid // 2
    seen = []
    for row in range(128):
        probe = base.copy()
        probe[0, row, :, 0] = 1.0  # a whole row at once: one forward pass per row
        # Exact: the far edge of the field moves the logit by a product of small
        # weights, below any tolerance, yet not by zero.
        if _numpy(d(probe))[0, centre, centre] != reference[0, centre, centre]:
            seen.append(row)
    assert len(seen) == d.receptive_field
    assert patch_discriminator.receptive_field(3) == 70  # the paper's 70×70 PatchGAN


def test_a_small_pix2pix_learns_its_mapping():
    """Target = the negated source: L1 to the ground truth falls well below chance."""
    source = random_images(64, (16, 16, 1), seed=1)
    model = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), g_filters=8, d_filters=4,
                                    dropout=0.0, seed=1)
    model.compile(optimizers={"g": keras.optimizers.Adam(3e-3), "d": "adam"})
    before = np.mean(np.abs(model.translate(source) + source))
    model.fit((source, -source), batch_size=16, epochs=25, verbose=0, shuffle=False)
    after = np.mean(np.abs(model.translate(source) + source))
    assert after < 0.5 * before, (before, after)


def test_mismatched_pairs_and_bad_images_are_refused_clearly():
    with pytest.raises(ValueError, match="same height and width"):
        kerasgan.models.Pix2Pix(data_shape=(32, 32, 1), target_shape=(16, 16, 1))
    model = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), **TINY)
    model.compile()
    with pytest.raises(ValueError, match="target"):
        model.fit((random_images(8, (16, 16, 1)), random_images(8, (8, 8, 1))), batch_size=4,
                  verbose=0)
    with pytest.raises(ValueError, match=r"shape \(16, 16, 1\)"):
        model.translate(random_images(2, (32, 32, 1)))
    with pytest.raises(ValueError, match="uint8"):
        model.translate(np.zeros((2, 16, 16, 1), "uint8"))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        model.translate(random_images(2, (16, 16, 1)) * 255)
    with pytest.raises(ValueError, match="batch_size"):
        model.translate(random_images(2, (16, 16, 1)), batch_size=0)
    with pytest.raises(ValueError, match="one way"):
        model.translate(random_images(2, (16, 16, 1)), direction="b_to_a")
    # One image in, one image out.
    assert model.translate(random_images(1, (16, 16, 1))[0]).shape == (16, 16, 1)
