"""kerasgan.apps.finetune: FreezeD and DiffAugment on a tiny DCGAN, on every backend."""

import shutil

import h5py
import numpy as np
import pytest
from conftest import adam_pair
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
    """Compiled with a loss that is not DCGAN's default: fine-tuning keeps it."""
    gan = tiny_dcgan()
    gan.compile(loss="least_squares", **adam_pair())
    return gan


@pytest.fixture(scope="module")
def images():
    return random_images(16)


@pytest.fixture(scope="module")
def source_preset(source, tmp_path_factory):
    return source.save_to_preset(tmp_path_factory.mktemp("source") / "preset")


def _changed(before, after):
    return any(not np.allclose(a, b) for a, b in zip(before, after))


class _Recording(DiffAugment):
    """DiffAugment that records the batches it augments (at trace time under jit)."""

    calls = []

    def __call__(self, images, seed):
        self.calls.append(tuple(images.shape[1:]))
        return super().__call__(images, seed)


@pytest.fixture(scope="module")
def finetuned(source, images):
    """One fit shared by the tests (a JAX fit compiles for seconds): FreezeD of
    D's two convolutions, DiffAugment recorded."""
    _Recording.calls = []
    before = {
        "d": [to_numpy(layer.weights) for layer in transfer.discriminator_layers(source)],
        "g": to_numpy(source.generator.weights),
    }
    gan = kerasgan.apps.finetune(source, images, freeze_d_layers=2,
                                 diff_augment=_Recording("color"), **STEPS)
    return gan, before, list(_Recording.calls)


def test_freezed_keeps_frozen_d_layers_and_trains_the_rest(source, finetuned):
    gan, before, _ = finetuned
    layers = transfer.discriminator_layers(gan)
    assert gan.frozen_layers == tuple(layer.name for layer in layers[:2])
    after = [to_numpy(layer.weights) for layer in layers]
    for frozen_before, frozen_after in zip(before["d"][:2], after[:2]):
        for b, a in zip(frozen_before, frozen_after):
            np.testing.assert_array_equal(b, a)
    assert _changed(before["d"][2], after[2])  # the head trains
    assert _changed(before["g"], to_numpy(gan.generator.weights))
    # No optimizer state for frozen weights; every step counted (JAX state sync).
    assert len(gan.d_optimizer._trainable_variables) == 2
    assert int(to_numpy([gan.d_optimizer.iterations])[0]) == 3
    # The source is copied, not trained.
    np.testing.assert_array_equal(before["g"][0], to_numpy(source.generator.weights)[0])


def test_diff_augment_reaches_discriminator_inputs(finetuned):
    gan, _, calls = finetuned
    # D's phase augments real and fake, G's phase the fakes it scores: 3 per traced
    # step (jit traces once; torch runs eagerly, 3 steps).
    assert len(calls) >= 3 and set(calls) == {(28, 28, 1)}
    assert gan.augment.policy == ("color",)
    assert gan.adversarial_loss.name == "least_squares"  # the source's loss


def test_finetuned_model_saves_and_reloads(finetuned, tmp_path):
    gan, _, _ = finetuned
    gan.save_to_preset(tmp_path / "run")
    loaded = kerasgan.zoo.load(tmp_path / "run")
    np.testing.assert_allclose(loaded.generate(4, seed=1), gan.generate(4, seed=1), atol=1e-6)
    for a, b in zip(to_numpy(loaded.discriminator.weights), to_numpy(gan.discriminator.weights)):
        np.testing.assert_array_equal(a, b)


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
    assert int(to_numpy([source.d_optimizer.iterations])[0]) == 0  # source untouched


def test_sources_finetune_cannot_adapt_are_refused(images, source_preset, tmp_path):
    conditional = kerasgan.models.ConditionalGAN(latent_dim=8, data_shape=(28, 28, 1),
                                                 num_classes=3)
    with pytest.raises(ValueError, match="class-conditional"):
        kerasgan.apps.finetune(conditional, images, **STEPS)
    with pytest.raises(TypeError, match="zoo name, a preset folder"):
        kerasgan.apps.finetune(42, images, **STEPS)
    # A preset whose weights lack the discriminator.
    folder = shutil.copytree(source_preset, tmp_path / "no_d")
    with h5py.File(folder / preset_lib.WEIGHTS, "a") as weights:
        del weights["discriminator"]
    preset_lib.rehash_preset(folder)
    with pytest.raises(ValueError, match="hold no discriminator"):
        kerasgan.apps.finetune(str(folder), images, **STEPS)


def test_cli_finetune_writes_a_preset_that_samples(source, source_preset, images, tmp_path,
                                                   capsys):
    np.save(tmp_path / "new.npy", images)
    run = tmp_path / "run"
    common = ["finetune", str(source_preset), "--images", str(tmp_path / "new.npy"),
              "--epochs", "1", "--steps-per-epoch", "2", "--batch-size", "8"]
    # Without FreezeD and DiffAugment: every layer of D trains.
    arguments = common + ["--freeze-d-layers", "0", "--diff-augment", "none", "--out", str(run)]
    assert cli.main(arguments) == 0
    metadata = preset_lib.read_metadata(run)
    assert metadata["finetune"]["steps"] == 2 and metadata["finetune"]["frozen_layers"] == []
    tuned = kerasgan.zoo.load(run)
    before = [to_numpy(layer.weights) for layer in transfer.discriminator_layers(source)]
    after = [to_numpy(layer.weights) for layer in transfer.discriminator_layers(tuned)]
    assert all(_changed(b, a) for b, a in zip(before, after))
    assert cli.main(["sample", str(run), "--n", "4", "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 0
    # A used --out, and too many frozen layers, are usage errors (exit 2).
    assert cli.main(arguments) == 2
    bad = common + ["--freeze-d-layers", "9", "--out", str(tmp_path / "other")]
    assert cli.main(bad) == 2
    assert "freeze_d_layers must be an integer" in capsys.readouterr().err
