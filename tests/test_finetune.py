"""kerasgan.apps.finetune: FreezeD and DiffAugment on a tiny DCGAN, on every backend."""

import h5py
import numpy as np
import pytest
from conftest import random_images
from conftest import tiny_dcgan
from conftest import to_numpy

import kerasgan
from kerasgan import cli
from kerasgan.apps import transfer
from kerasgan.layers import DiffAugment
from kerasgan.zoo import preset as preset_lib

STEPS = dict(epochs=1, steps_per_epoch=3, batch_size=8, verbose=0)


@pytest.fixture(scope="module")
def source():
    return tiny_dcgan()


@pytest.fixture(scope="module")
def images():
    return random_images(16)


def _weights_by_layer(network):
    return {layer.name: to_numpy(layer.weights) for layer in network.layers if layer.weights}


def _changed(before, after):
    return any(not np.allclose(a, b) for a, b in zip(before, after))


def test_freezed_keeps_frozen_d_layers_and_trains_the_rest(source, images):
    before_d = [to_numpy(layer.weights) for layer in transfer.discriminator_layers(source)]
    before_g = to_numpy(source.generator.weights)
    gan = kerasgan.apps.finetune(source, images, freeze_d_layers=2, **STEPS)
    layers = transfer.discriminator_layers(gan)
    assert gan.frozen_layers == tuple(layer.name for layer in layers[:2])
    after_d = [to_numpy(layer.weights) for layer in layers]
    for before, after in zip(before_d[:2], after_d[:2]):
        np.testing.assert_array_equal(before[0], after[0])
        np.testing.assert_array_equal(before[1], after[1])
    assert _changed(before_d[2], after_d[2])  # the head trains
    assert _changed(before_g, to_numpy(gan.generator.weights))
    # No optimizer state for frozen weights; every step counted (JAX state sync).
    assert len(gan.d_optimizer._trainable_variables) == 2
    assert int(to_numpy([gan.d_optimizer.iterations])[0]) == 3
    # The source is copied, not trained.
    np.testing.assert_array_equal(before_g[0], to_numpy(source.generator.weights)[0])


def test_without_freezing_every_d_layer_trains(source, images):
    before = [to_numpy(layer.weights) for layer in transfer.discriminator_layers(source)]
    gan = kerasgan.apps.finetune(source, images, freeze_d_layers=0, diff_augment=None,
                                 **STEPS)
    after = [to_numpy(layer.weights) for layer in transfer.discriminator_layers(gan)]
    assert gan.frozen_layers == () and gan.augment is None
    assert all(_changed(b, a) for b, a in zip(before, after))


class _Recording(DiffAugment):
    """DiffAugment that records the batches it augments (at trace time under jit)."""

    calls = []

    def __call__(self, images, seed):
        self.calls.append(tuple(images.shape[1:]))
        return super().__call__(images, seed)


def test_diff_augment_reaches_discriminator_inputs(source, images):
    _Recording.calls = []
    kerasgan.apps.finetune(source, images, diff_augment=_Recording("translation"), **STEPS)
    # D's phase augments real and fake, G's phase the fakes it scores: 3 per step.
    assert len(_Recording.calls) >= 3 and set(_Recording.calls) == {(28, 28, 1)}
    # And it changes what D learns: same seed, no augmentation, other weights.
    augmented = kerasgan.apps.finetune(source, images, **STEPS)
    plain = kerasgan.apps.finetune(source, images, diff_augment=None, **STEPS)
    assert augmented.augment.policy == ("color", "translation", "cutout")
    assert _changed(to_numpy(augmented.discriminator.trainable_weights),
                    to_numpy(plain.discriminator.trainable_weights))


def test_finetuned_model_saves_and_reloads(source, images, tmp_path):
    gan = kerasgan.apps.finetune(source, images, **STEPS)
    gan.save_to_preset(tmp_path / "run")
    loaded = kerasgan.zoo.load(tmp_path / "run")
    np.testing.assert_allclose(loaded.generate(4, seed=1), gan.generate(4, seed=1), atol=1e-6)
    np.testing.assert_array_equal(to_numpy(loaded.discriminator.weights)[0],
                                  to_numpy(gan.discriminator.weights)[0])


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(images=random_images(16, (32, 32, 1))), r"image_size=\(28, 28\)"),
        (dict(images=(random_images(16) * 127 + 128).astype("uint8")), r"x / 127\.5 - 1"),
        (dict(freeze_d_layers=3), r"freeze_d_layers must be an integer in \[0, 2\]"),
        (dict(freeze_d_layers=-1), "freeze_d_layers=2 or fewer"),
        (dict(batch_size=32), "16 images do not fill one batch of 32"),
    ],
)
def test_bad_input_is_refused_before_training(source, images, change, message):
    arguments = dict(images=images, **STEPS)
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        kerasgan.apps.finetune(source, **arguments)
    assert not source.is_compiled


def test_sources_finetune_cannot_adapt_are_refused(images, tmp_path):
    conditional = kerasgan.models.ConditionalGAN(latent_dim=8, data_shape=(28, 28, 1),
                                                 num_classes=3)
    with pytest.raises(ValueError, match="class-conditional"):
        kerasgan.apps.finetune(conditional, images, **STEPS)
    with pytest.raises(TypeError, match="zoo name, a preset folder"):
        kerasgan.apps.finetune(42, images, **STEPS)
    # A preset whose weights lack the discriminator.
    folder = tiny_dcgan().save_to_preset(tmp_path / "no_d")
    with h5py.File(folder / preset_lib.WEIGHTS, "a") as weights:
        del weights["discriminator"]
    preset_lib.rehash_preset(folder)
    with pytest.raises(ValueError, match="hold no discriminator"):
        kerasgan.apps.finetune(str(folder), images, **STEPS)


def test_cli_finetune_writes_a_preset_that_samples(source, images, tmp_path, capsys):
    source.save_to_preset(tmp_path / "source")
    np.save(tmp_path / "new.npy", images)
    run = tmp_path / "run"
    common = ["finetune", str(tmp_path / "source"), "--images", str(tmp_path / "new.npy"),
              "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "8"]
    arguments = common + ["--freeze-d-layers", "1", "--out", str(run)]
    assert cli.main(arguments) == 0
    metadata = preset_lib.read_metadata(run)
    assert metadata["finetune"]["steps"] == 2 and len(metadata["finetune"]["frozen_layers"]) == 1
    assert kerasgan.zoo.load(run).generate(2, seed=0).shape == (2, 28, 28, 1)
    assert cli.main(["sample", str(run), "--n", "4", "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 0
    # A used --out, and too many frozen layers, are usage errors (exit 2).
    assert cli.main(arguments) == 2
    bad = common + ["--freeze-d-layers", "9", "--out", str(tmp_path / "other")]
    assert cli.main(bad) == 2
    assert "freeze_d_layers must be an integer" in capsys.readouterr().err
