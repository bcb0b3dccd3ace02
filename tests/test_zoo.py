"""The zoo: presets round-trip, integrity checks, the resolver, and every built-in
entry giving its reference images on this backend (the suite runs on all three)."""

import json
import pathlib
import shutil
import subprocess
import sys
import tarfile

import h5py
import keras
import numpy as np
import pytest

from conftest import adam_pair, random_images, subprocess_env, tiny_dcgan, to_numpy

import kerasgan
from kerasgan.metrics.cache import sha256_of
from kerasgan.zoo import PresetError
from kerasgan.zoo import card
from kerasgan.zoo import preset as preset_lib

REPO = pathlib.Path(__file__).resolve().parents[1]
# The entries the zoo issue names, plus one per variant.
REQUIRED_ENTRIES = {
    "dcgan_fashion_mnist",
    "dcgan_mnist5k",
    "vanilla_gan_ring8",
    "vanilla_gan_grid25",
    "lsgan_fashion_mnist",
    "wgan_fashion_mnist",
    "wgan_gp_fashion_mnist",
    "sngan_fashion_mnist",
    "lapgan_fashion_mnist",
    "stack_gan_fashion_mnist",
    "big_gan_fashion_mnist",
    "sagan_fashion_mnist",
    "conditional_gan_fashion_mnist",
    "acgan_fashion_mnist",
}


@pytest.fixture(scope="module")
def trained_preset(tmp_path_factory):
    gan = tiny_dcgan(ema_decay=0.9)
    gan.compile(**adam_pair())
    gan.fit(random_images(64), batch_size=32, epochs=1, verbose=0)
    directory = tmp_path_factory.mktemp("presets") / "tiny"
    gan.save_to_preset(directory, {"dataset": "random"})
    return gan, directory


@pytest.fixture
def preset_copy(trained_preset, tmp_path):
    return pathlib.Path(shutil.copytree(trained_preset[1], tmp_path / "copy"))


def test_built_in_entries_are_all_there():
    assert REQUIRED_ENTRIES <= set(kerasgan.zoo.names())


# Every installed entry, not only the required ones: a new entry is covered as soon as
# it is added (the image-to-image entries compare translations of fixed inputs).
@pytest.mark.parametrize("name", kerasgan.zoo.registry.installed_names())
def test_entry_gives_its_reference_images_on_this_backend(name):
    # The reference was computed on the backend that trained the entry; every backend
    # matching it to 1e-4 means all three give the same images.
    gan = kerasgan.zoo.load(name)
    metadata = kerasgan.zoo.info(name)
    np.testing.assert_allclose(
        kerasgan.zoo.reference_slice(gan), metadata["reference"]["values"], atol=1e-4
    )
    # A model configured with an EMA loads its EMA networks; the GAN entries of
    # REQUIRED_ENTRIES train with one unless their recipe opts out (the image-to-image
    # and autoencoder entries follow their papers: no EMA).
    assert bool(gan.ema_network_names) == bool(gan.get_config().get("ema_decay"))
    if name in REQUIRED_ENTRIES:
        assert gan.ema_network_names or metadata["recipe"].get("ema_decay") == 0.0
    assert metadata["dirty"] is False and len(metadata["commit"]) == 40
    assert {"config.json", "model.weights.h5", "samples.png", "metrics.json"} <= set(
        metadata["files"]
    )
    # The card is generated from the entry's files, never edited by hand.
    folder = kerasgan.zoo.resolve(name)
    assert (folder / "README.md").read_text() == card.card_text(folder)


@pytest.mark.parametrize("name", ["conditional_gan_fashion_mnist", "acgan_fashion_mnist"])
def test_conditional_entries_draw_the_requested_class(name):
    # Checked by the Fashion-MNIST domain classifier (test accuracy 0.90); chance is 0.1.
    gan = kerasgan.zoo.load(name)
    accuracy = kerasgan.metrics.class_accuracy(gan, "fashion-mnist", num_samples=500)
    assert accuracy.value >= 0.6, accuracy


def test_cards_warn_when_within_class_diversity_is_low():
    def metrics(fake, real=17.4):
        return {
            "results": [
                {"name": "within_class_diversity", "value": fake},
                {"name": "real_within_class_diversity", "value": real},
            ]
        }

    (warning,) = card.measured_warnings(metrics(4.7))
    assert "Low diversity within classes" in warning and "4.7 against 17.4" in warning
    assert card.measured_warnings(metrics(9.0)) == []  # over half the real data's
    assert card.measured_warnings({"results": [{"name": "fid", "value": 60.0}]}) == []
    assert card.measured_warnings(None) == []


def test_list_gives_each_entry_with_its_measured_metrics():
    entries = {entry["name"]: entry for entry in kerasgan.zoo.list()}
    dcgan = entries["dcgan_fashion_mnist"]
    assert dcgan["variant"] == "DCGAN" and dcgan["dataset"] == "fashion-mnist"
    assert dcgan["size_mb"] > 1 and dcgan["generator_parameters"] > 1e6
    assert any(key.startswith("fid[inception, N=") for key in dcgan["metrics"])
    assert "modes_covered[ring8 components, N=" in " ".join(
        entries["vanilla_gan_ring8"]["metrics"]
    )


def test_list_counts_the_networks_each_variant_samples_with():
    entries = {entry["name"]: entry for entry in kerasgan.zoo.list()}
    counts = {name: kerasgan.zoo.info(name)["parameters"] for name in entries}
    # Every entry samples with something; the AAE with its decoder only, LAPGAN with
    # its generator per level, CycleGAN with both directions (EMA copies aside).
    assert all(entry["generator_parameters"] > 0 for entry in entries.values())
    assert entries["aae_fashion_mnist"]["generator_parameters"] == counts["aae_fashion_mnist"]["decoder"]
    lapgan = counts["lapgan_fashion_mnist"]
    assert entries["lapgan_fashion_mnist"]["generator_parameters"] == sum(
        lapgan[f"generator_{level}"] for level in range(3))
    cycle = counts["cycle_gan_sneaker2boot"]
    assert entries["cycle_gan_sneaker2boot"]["generator_parameters"] == cycle["g_ab"] + cycle["g_ba"]


def test_from_preset_and_zoo_load_round_trip(trained_preset):
    gan, directory = trained_preset
    for loaded in (
        kerasgan.zoo.load(directory),
        kerasgan.models.DCGAN.from_preset(directory),
    ):
        assert type(loaded) is kerasgan.models.DCGAN
        np.testing.assert_allclose(loaded.generate(4, seed=3), gan.generate(4, seed=3))
        for a, b in zip(
            to_numpy(loaded.discriminator.weights), to_numpy(gan.discriminator.weights)
        ):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="holds a DCGAN, not a SNGAN"):
        kerasgan.models.SNGAN.from_preset(directory)


def test_preset_holds_networks_hashes_and_no_optimizer_state(trained_preset):
    gan, directory = trained_preset
    metadata = json.loads((directory / "metadata.json").read_text())
    for name, digest in metadata["files"].items():
        assert sha256_of(directory / name) == digest
    assert metadata["parameters"]["ema_generator"] == gan.generator.count_params()
    assert metadata["backend"] == keras.backend.backend()
    with h5py.File(directory / "model.weights.h5") as weights:
        paths = []
        weights.visit(paths.append)
    assert not [p for p in paths if "optimizer" in p]
    assert [p for p in paths if "ema" in p.lower()]
    config = json.loads((directory / "config.json").read_text())
    assert (
        config["registered_name"] == "kerasgan>DCGAN" and "compile_config" not in config
    )


def test_a_changed_file_is_named(preset_copy):
    weights = preset_copy / "model.weights.h5"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(
        PresetError, match=r"model\.weights\.h5 does not match its sha256"
    ):
        kerasgan.zoo.load(preset_copy)


def test_a_truncated_file_is_named(preset_copy):
    config = preset_copy / "config.json"
    config.write_text(config.read_text()[:40])
    with pytest.raises(PresetError, match=r"config\.json does not match"):
        kerasgan.zoo.load(preset_copy)


def test_a_missing_file_is_named(preset_copy):
    (preset_copy / "model.weights.h5").unlink()
    with pytest.raises(PresetError, match=r"model\.weights\.h5 is missing"):
        kerasgan.zoo.load(preset_copy)


def test_metadata_cannot_point_outside_the_preset(preset_copy):
    metadata = json.loads((preset_copy / "metadata.json").read_text())
    metadata["files"]["../../etc/passwd"] = "0" * 64
    (preset_copy / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(PresetError, match="plain names inside its folder"):
        kerasgan.zoo.load(preset_copy)


def test_only_kerasgan_classes_are_deserialized(preset_copy):
    layer = keras.layers.Lambda(lambda x: x)
    (preset_copy / "config.json").write_text(
        json.dumps(keras.saving.serialize_keras_object(layer))
    )
    preset_lib.rehash_preset(preset_copy)
    with pytest.raises(PresetError, match="registered by kerasgan"):
        kerasgan.zoo.load(preset_copy)


@pytest.mark.parametrize("name", ["no_such_model", "../zoo", "classifiers"])
def test_unknown_names_list_the_accepted_forms(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # "../zoo" must not resolve relative to the repo
    with pytest.raises(
        ValueError, match="Built-in names: .*dcgan_fashion_mnist"
    ) as error:
        kerasgan.zoo.load(name)
    assert "https://" in str(error.value) and "save_to_preset" in str(error.value)


def test_urls_need_https_and_a_sha256(trained_preset):
    with pytest.raises(PresetError, match="only https://"):
        kerasgan.zoo.load("http://example.com/tiny.tar.gz")
    with pytest.raises(PresetError, match="needs its sha256"):
        kerasgan.zoo.load("https://example.com/tiny.tar.gz")


def test_an_archived_preset_downloads_once_and_is_hash_checked(
    trained_preset, tmp_path, monkeypatch
):
    gan, directory = trained_preset
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    archive = tmp_path / "tiny.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(directory, arcname="tiny")
    url, digest = archive.as_uri(), sha256_of(archive)
    with pytest.raises(ValueError, match="(?i)corrupt|hash"):
        kerasgan.zoo.load(url, sha256="f" * 64)
    loaded = kerasgan.zoo.load(url, sha256=digest)
    np.testing.assert_allclose(loaded.generate(2, seed=0), gan.generate(2, seed=0))
    archive.unlink()  # the second load reads the cache
    assert kerasgan.zoo.resolve(url, sha256=digest).is_dir()


@pytest.mark.slow
def test_a_wheel_install_ships_the_zoo(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path, REPO],
        check=True,
    )
    wheel = next(tmp_path.glob("kerasgan-*.whl"))
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            target,
            wheel,
        ],
        check=True,
    )
    code = (
        "import kerasgan; root = kerasgan.zoo.zoo_root(); "
        "assert 'site' in str(root) and '_zoo' in str(root), root; "
        "from kerasgan.zoo import hosted; assert hosted.REGISTRY.is_file(); "
        "gan = kerasgan.zoo.load('vanilla_gan_ring8'); "
        "kerasgan.metrics.get_extractor('fashion-mnist'); "
        "print(len(kerasgan.zoo.names()), gan.generate(2, seed=0).shape)"
    )
    env = dict(subprocess_env(keras.backend.backend()), PYTHONPATH=str(target))
    env.pop("KERASGAN_ZOO", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[0] == str(len(kerasgan.zoo.names()))
