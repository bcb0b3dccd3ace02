"""Latent inversion and editing (kerasgan.apps.inversion) on every backend.

A tiny untrained DCGAN stands in for a trained generator: inverting its own images
has a known answer, and everything compiles in seconds.
"""

import types

import numpy as np
import pytest
from conftest import tiny_dcgan
from conftest import to_numpy

import kerasgan
from kerasgan import cli
from kerasgan.apps import inversion
from kerasgan.callbacks.interpolation import interpolate as latent_path
from kerasgan.engine.protocols import DataToData


@pytest.fixture(scope="module")
def gan():
    return tiny_dcgan(latent_dim=4, g_filters=8)


def known_targets(gan, n=6, seed=3):
    latents = gan.latents_for(n, seed)
    return latents, gan.generate_from_latents(latents)


def test_inversion_recovers_a_known_latent_and_reduces_the_error(gan):
    true_latents, targets = known_targets(gan)
    start = gan.latents_for(len(targets), 0)
    before = inversion.reconstruction_errors(gan, targets, start)
    latents = kerasgan.apps.invert(gan, targets, steps=150, start=start,
                                   distance="pixel", learning_rate=0.05)
    after = inversion.reconstruction_errors(gan, targets, latents)
    assert latents.shape == true_latents.shape and latents.dtype == np.float32
    assert np.all(after < 0.1 * before), (before, after)
    # Near the true latents (far closer than the random start was).
    assert np.abs(latents - true_latents).mean() < 0.25 * np.abs(start - true_latents).mean()


def test_perceptual_distance_reduces_the_error_and_leaves_the_generator_unchanged(gan):
    _, targets = known_targets(gan, n=4)
    weights = to_numpy(gan.sampling_generator.weights + gan.discriminator.weights)
    flags = [v.trainable for v in gan.generator.weights]
    start = gan.latents_for(4, 0)
    latents = kerasgan.apps.invert(gan, targets, steps=40, start=start,
                                   distance="pixel+perceptual")
    before = inversion.reconstruction_errors(gan, targets, start)
    after = inversion.reconstruction_errors(gan, targets, latents)
    assert after.mean() < 0.7 * before.mean()
    for old, new in zip(weights, to_numpy(gan.sampling_generator.weights
                                          + gan.discriminator.weights)):
        np.testing.assert_array_equal(old, new)
    assert [v.trainable for v in gan.generator.weights] == flags


def test_encoder_start_begins_at_the_encoders_prediction(gan):
    encoder = kerasgan.apps.train_encoder(gan, n=256, epochs=2, hidden_units=(32,))
    _, targets = known_targets(gan, n=3)
    predicted = encoder.predict(targets, verbose=0)
    latents = kerasgan.apps.invert(gan, targets, steps=2, start=encoder, distance="pixel")
    assert latents.shape == (3, gan.latent_dim)
    # Two small Adam steps from the encoder's prediction stay near it.
    assert np.abs(latents - predicted).max() < 0.2


def test_slerp_ends_are_the_inputs_and_keeps_the_norm(gan):
    z0, z1 = gan.latents_for(2, 5)
    images = kerasgan.apps.interpolate(gan, z0, z1, n=5, method="slerp")
    ends = gan.generate_from_latents(np.stack([z0, z1]))
    assert images.shape == (5,) + gan.data_shape
    np.testing.assert_allclose(images[[0, -1]], ends, atol=1e-5)
    # Equal-norm ends: slerp keeps the norm, lerp's midpoint is shorter.
    a, b = z0 / np.linalg.norm(z0), z1 / np.linalg.norm(z1)
    spherical = latent_path(a, b, 5, inversion.METHODS["slerp"])
    linear = latent_path(a, b, 5, inversion.METHODS["lerp"])
    np.testing.assert_allclose(np.linalg.norm(spherical, axis=1), 1.0, atol=1e-5)
    assert np.linalg.norm(linear[2]) < 0.99


def test_class_directions_and_edits(gan):
    latents = np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0], [0.0, 4.0]], "float32")
    directions = kerasgan.apps.class_directions(latents, [0, 0, 1, 1], num_classes=3)
    np.testing.assert_allclose(directions, [[1.0, -1.5], [-1.0, 1.5], [0.0, 0.0]])
    z = gan.latents_for(2, 0)
    direction = np.array([1.0, -1.0, 0.5, 0.0], "float32")
    grid = kerasgan.apps.edit(gan, z, direction, [0.0, 1.0, 2.0])
    assert grid.shape == (2, 3) + gan.data_shape
    np.testing.assert_allclose(grid[:, 0], gan.generate_from_latents(z), atol=1e-5)
    assert np.abs(grid[:, 2] - grid[:, 0]).max() > 1e-4


def test_conditional_models_invert_with_labels_and_refuse_without():
    gan = kerasgan.models.ConditionalGAN(num_classes=3, latent_dim=4, data_shape=(28, 28, 1),
                                         g_filters=4, d_filters=4, seed=0)
    labels = np.array([0, 2], "int32")
    targets = gan.generate_from_latents(gan.latents_for(2, 3), labels=labels)
    with pytest.raises(ValueError, match="labels"):
        kerasgan.apps.invert(gan, targets, steps=2)
    start = gan.latents_for(2, 0)
    latents = kerasgan.apps.invert(gan, targets, steps=40, labels=labels, start=start,
                                   distance="pixel")
    before = inversion.reconstruction_errors(gan, targets, start, labels=labels)
    after = inversion.reconstruction_errors(gan, targets, latents, labels=labels)
    assert np.all(after < 0.5 * before), (before, after)


def test_bad_input_is_refused_before_optimising(gan):
    _, targets = known_targets(gan, n=2)
    cases = [
        (dict(images=targets[:, :20]), "must have shape"),
        (dict(images=targets * 255), "must lie in"),
        (dict(images=targets, steps=0), "steps must be a positive integer"),
        (dict(images=targets, labels=[0, 1]), "unconditional"),
        (dict(images=targets, start=np.zeros((3, 4))), "start latents must have shape"),
        (dict(images=targets, distance="l1"), "distance must be one of"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            kerasgan.apps.invert(gan, **kwargs)
    # What Pix2Pix, CycleGAN and SRGAN are: models without a latent space.
    with pytest.raises(ValueError, match="no latent space"):
        kerasgan.apps.invert(DataToData(), targets)
    rgb = types.SimpleNamespace(data_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="reads"):  # the perceptual net reads 28x28x1
        inversion.check_perceptual(rgb, "fashion-mnist")

def test_cli_invert_writes_latents_and_reconstructions(gan, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    gan.save(run / "model.keras")
    _, targets = known_targets(gan, n=3)
    np.save(tmp_path / "images.npy", targets)
    out = tmp_path / "out"
    code = cli.main(["invert", str(run), str(tmp_path / "images.npy"), "--steps", "3",
                     "--distance", "pixel", "--out", str(out)])
    assert code == cli.OK, capsys.readouterr().err
    assert np.load(out / "latents.npy").shape == (3, gan.latent_dim)
    assert np.load(out / "reconstructions.npy").shape == targets.shape
    assert (out / "reconstructions.png").stat().st_size > 0
    code = cli.main(["invert", str(run), str(tmp_path / "missing.npy"), "--out", str(out)])
    assert code == cli.USAGE and "does not exist" in capsys.readouterr().err
