"""Lean distribution presets: generate()'s weights only, float16 where the reference
slice still matches to 1e-3, with the full training state as a separate, optional,
sha256-checked file that fine-tuning and resuming need."""

import json
import pathlib
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import other_backends, random_images, subprocess_env, tiny_dcgan, to_numpy

import kerasgan
from kerasgan.zoo import PresetError
from kerasgan.zoo import lean

LOAD_LEAN = """
import sys, numpy as np, kerasgan
gan = kerasgan.zoo.load(sys.argv[1])
np.save(sys.argv[2], gan.generate(4, seed=3))
"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny DCGAN whose EMA generator differs from G (as after training), its full
    preset and its lean preset (with the training state) written from the model."""
    gan = tiny_dcgan(ema_decay=0.9)
    rng = np.random.default_rng(0)
    gan.ema_generator.set_weights([
        w + rng.normal(0, 0.05, w.shape).astype(w.dtype) if w.ndim > 1 else w
        for w in gan.ema_generator.get_weights()
    ])
    root = tmp_path_factory.mktemp("lean")
    gan.save_to_preset(root / "full", {"dataset": "random"})
    kerasgan.zoo.save_lean_preset(gan, root / "lean")
    return gan, root


def metadata_of(folder):
    return json.loads((pathlib.Path(folder) / "metadata.json").read_text())


def test_the_lean_float16_file_generates_within_1e_3_of_the_full_model(trained):
    gan, root = trained
    weights = metadata_of(root / "lean")["weights"]
    assert weights["dtype"] == "float16" and weights["networks"] == ["ema_generator"]
    assert weights["max_abs_difference"]["float16"] <= 1e-3
    loaded = kerasgan.zoo.load(root / "lean")
    np.testing.assert_allclose(loaded.generate(4, seed=3), gan.generate(4, seed=3), atol=1e-3)
    # float16 is storage only: the model computes in float32.
    assert {str(w.dtype) for w in loaded.ema_generator.weights} == {"float32"}
    with h5py.File(root / "lean" / lean.LEAN_WEIGHTS) as handle:
        paths = [handle[key].attrs["path"] for key in handle]
        dtypes = {handle[key].dtype.name for key in handle}
    assert not [p for p in paths if "discriminator" in p] and "float16" in dtypes
    lean_size = (root / "lean" / lean.LEAN_WEIGHTS).stat().st_size
    assert lean_size < (root / "full" / "model.weights.h5").stat().st_size / 3


def test_a_lean_preset_of_a_preset_folder_keeps_its_metadata(trained, tmp_path):
    gan, root = trained
    folder = kerasgan.zoo.save_lean_preset(root / "full", tmp_path / "from_folder",
                                           training_state=False)
    metadata = metadata_of(folder)
    assert metadata["dataset"] == "random" and "training_state" not in metadata
    assert set(metadata["files"]) == {"config.json", lean.LEAN_WEIGHTS}
    assert not (folder / "model.weights.h5").exists()
    np.testing.assert_allclose(kerasgan.zoo.load(folder).generate(2, seed=0),
                               gan.generate(2, seed=0), atol=1e-3)


def test_loading_for_training_gives_every_network_from_the_full_file(trained):
    gan, root = trained
    state = metadata_of(root / "lean")["training_state"]
    assert state["file"] == "model.weights.h5" and len(state["sha256"]) == 64
    assert state["file"] not in metadata_of(root / "lean")["files"]  # optional download
    full = kerasgan.zoo.load(root / "lean", training=True)
    for a, b in zip(to_numpy(full.discriminator.weights), to_numpy(gan.discriminator.weights)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(full.generate(2, seed=0), gan.generate(2, seed=0))


def test_float32_is_kept_when_float16_misses_the_tolerance(trained, tmp_path):
    gan, _ = trained
    folder = kerasgan.zoo.save_lean_preset(gan, tmp_path / "strict", tolerance=1e-9)
    weights = metadata_of(folder)["weights"]
    assert weights["dtype"] == "float32" and weights["tolerance"] == 1e-9
    assert weights["max_abs_difference"]["float16"] > 1e-9
    assert weights["max_abs_difference"]["float32"] == 0.0
    with h5py.File(folder / lean.LEAN_WEIGHTS) as handle:
        assert "float16" not in {handle[key].dtype.name for key in handle}
    np.testing.assert_allclose(kerasgan.zoo.load(folder).generate(2, seed=0),
                               gan.generate(2, seed=0), atol=1e-6)


@pytest.mark.parametrize("name", [lean.LEAN_WEIGHTS, "model.weights.h5"])
def test_a_changed_lean_or_full_file_is_refused(trained, tmp_path, name):
    folder = pathlib.Path(shutil.copytree(trained[1] / "lean", tmp_path / "copy"))
    data = bytearray((folder / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / name).write_bytes(bytes(data))
    with pytest.raises(PresetError, match=rf"{name} does not match its sha256"):
        kerasgan.zoo.load(folder, training=True)


def test_fine_tuning_a_lean_only_preset_is_refused_saying_how(trained, tmp_path):
    folder = kerasgan.zoo.save_lean_preset(trained[0], tmp_path / "lean_only",
                                           training_state=False)
    with pytest.raises(PresetError, match="lean preset.*training=True"):
        kerasgan.zoo.load(folder, training=True)
    with pytest.raises(PresetError, match="lean preset.*full preset"):
        kerasgan.apps.finetune(folder, random_images(8), epochs=1)
    # With its training state beside it, the same lean preset fine-tunes.
    source, _ = kerasgan.apps.transfer.load_source(trained[1] / "lean")
    assert source.discriminator.count_params() > 0


def test_a_missing_training_state_file_says_where_to_get_it(trained, tmp_path):
    folder = pathlib.Path(shutil.copytree(trained[1] / "lean", tmp_path / "copy"))
    (folder / "model.weights.h5").unlink()
    kerasgan.zoo.load(folder)  # sampling needs only the lean file
    with pytest.raises(PresetError, match="model.weights.h5.*is not in.*training=True"):
        kerasgan.zoo.load(folder, training=True)


@pytest.mark.slow  # two interpreters of the other backends (about a minute)
def test_a_lean_file_saved_here_loads_on_the_other_backends(trained, tmp_path):
    gan, root = trained
    expected = gan.generate(4, seed=3)
    for backend in other_backends():
        out = tmp_path / f"{backend}.npy"
        result = subprocess.run(
            [sys.executable, "-c", LOAD_LEAN, str(root / "lean"), str(out)],
            env=subprocess_env(backend), capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, f"{backend}: {result.stderr[-3000:]}"
        np.testing.assert_allclose(np.load(out), expected, atol=1e-3, err_msg=backend)
