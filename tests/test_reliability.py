"""Issue 19: nothing lost, nothing swapped.

Zoo downloads cannot be swapped through the cache, presets and caches are checked
before they are used, run folders are never overwritten or resumed with other
arguments, and bad inputs get one clear error (exit code 1 for a file that cannot
be written or trusted, 2 for bad arguments). The resume tests that depend on the
backend's state are in `test_resume.py`.
"""

import io
import json
import os
import pathlib
import shutil
import stat
import tarfile
import warnings

import keras
import numpy as np
import pytest
from PIL import Image

from conftest import adam_pair
from conftest import random_images
from conftest import tiny_dcgan

import kerasgan
from kerasgan import cli
from kerasgan import training
from kerasgan.metrics import stats_cache
from kerasgan.utils.storage import sha256_of
from kerasgan.zoo import PresetError

TOY_RUN = [
    "train",
    "vanilla_gan",
    "--dataset",
    "ring8",
    "--latent-dim",
    "2",
    "--batch-size",
    "32",
    "--steps-per-epoch",
    "2",
    "--epochs",
    "1",
    "--verbose",
    "0",
]


# ---------------------------------------------------------------- zoo downloads
def _preset(folder, seed):
    gan = tiny_dcgan(seed=seed)
    gan.compile(**adam_pair())
    gan.save_to_preset(folder, {"dataset": "random"})
    return gan


@pytest.fixture(scope="module")
def two_presets(tmp_path_factory):
    root = tmp_path_factory.mktemp("presets")
    return {seed: (_preset(root / f"p{seed}", seed), root / f"p{seed}") for seed in (1, 2)}


def _archive(folder, path):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname="tiny")
    return path.as_uri(), sha256_of(path)


def test_a_planted_extraction_folder_does_not_choose_the_model(
    two_presets, tmp_path, monkeypatch
):
    (wanted, folder), (planted, planted_folder) = two_presets[1], two_presets[2]
    cache = tmp_path / "cache"
    monkeypatch.setenv("KERASGAN_CACHE", str(cache))
    url, digest = _archive(folder, tmp_path / "tiny.tar.gz")
    # Whoever creates the extraction folder first puts another model's preset there
    # (under the name Keras's get_file extracts into and the one kerasgan uses).
    for name in (f"{digest[:16]}_extracted", f"{digest[:16]}_preset"):
        shutil.copytree(planted_folder, cache / "zoo" / name)
    loaded = kerasgan.zoo.load(url, sha256=digest)
    np.testing.assert_allclose(loaded.generate(2, seed=0), wanted.generate(2, seed=0))
    assert not np.allclose(planted.generate(2, seed=0), wanted.generate(2, seed=0))
    # A file added to the extracted folder later is noticed at the next load too.
    extracted = kerasgan.zoo.resolve(url, sha256=digest)
    (extracted / "planted.txt").write_text("x")
    kerasgan.zoo.load(url, sha256=digest)
    assert not (extracted / "planted.txt").exists()


def test_downloads_stay_in_a_private_kerasgan_cache(two_presets, tmp_path, monkeypatch):
    cache = tmp_path / "fresh" / "cache"  # does not exist yet
    monkeypatch.setenv("KERASGAN_CACHE", str(cache))
    url, digest = _archive(two_presets[1][1], tmp_path / "tiny.tar.gz")
    folder = kerasgan.zoo.resolve(url, sha256=digest)
    assert cache in folder.parents
    assert (cache / "zoo" / f"{digest[:16]}.tar.gz").is_file()
    assert stat.S_IMODE(os.stat(cache / "zoo").st_mode) == 0o700
    assert not list(pathlib.Path("/tmp/.keras").glob(f"*/{digest[:16]}*"))


def test_a_wrong_sha256_leaves_nothing_in_the_cache(two_presets, tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    url, _ = _archive(two_presets[1][1], tmp_path / "tiny.tar.gz")
    with pytest.raises(PresetError, match="does not match sha256=f{64}"):
        kerasgan.zoo.load(url, sha256="f" * 64)
    assert not list((tmp_path / "cache" / "zoo").iterdir())


@pytest.mark.parametrize("kind", ["symlink", "outer path"])
def test_archives_with_links_or_outer_paths_are_refused(kind, tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "bad.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        member = tarfile.TarInfo("tiny/metadata.json" if kind == "symlink" else "../x")
        if kind == "symlink":
            member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(member)
        else:
            member.size = 1
            tar.addfile(member, io.BytesIO(b"x"))
    match = "a link" if kind == "symlink" else "leaves the extraction folder"
    with pytest.raises(PresetError, match=match):
        kerasgan.zoo.load(path.as_uri(), sha256=sha256_of(path))
    assert not (tmp_path / "cache" / "x").exists()


# ---------------------------------------------------------------------- presets
@pytest.fixture
def preset_copy(two_presets, tmp_path):
    return pathlib.Path(shutil.copytree(two_presets[1][1], tmp_path / "copy"))


def test_a_symlink_in_a_preset_is_refused(preset_copy, tmp_path):
    # The link's target has the right bytes: hashing it would vouch for a file outside.
    outside = tmp_path / "outside.weights.h5"
    shutil.move(preset_copy / "model.weights.h5", outside)
    (preset_copy / "model.weights.h5").symlink_to(outside)
    with pytest.raises(PresetError, match=r"model\.weights\.h5 is a symbolic link"):
        kerasgan.zoo.load(preset_copy)


def test_metadata_that_is_not_an_object_is_refused(preset_copy):
    (preset_copy / "metadata.json").write_text("[1, 2]")
    with pytest.raises(PresetError, match=r"metadata\.json holds a JSON list"):
        kerasgan.zoo.load(preset_copy)


def test_empty_and_overlong_preset_names_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # "" used to resolve to the current folder
    with pytest.raises(ValueError, match="The preset name is empty"):
        kerasgan.zoo.load("")
    with pytest.raises(ValueError, match=r"\(10000 characters\)") as error:
        kerasgan.zoo.load("a" * 10_000)
    assert len(str(error.value)) < 1000


# ------------------------------------------------------------------ stats cache
@pytest.mark.parametrize("damage", ["truncated", "replaced"])
def test_a_damaged_stats_cache_is_computed_again(damage, tmp_path):
    path = tmp_path / "stats.npz"
    stats_cache.write_cached(path, {"features": np.ones((4, 3), "float32")})
    assert stats_cache.read_cached(path)["features"].shape == (4, 3)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:50])
    else:
        np.savez(path, features=np.zeros((4, 3), "float32"))
    with pytest.warns(UserWarning, match=r"stats\.npz does not match its sha256"):
        assert stats_cache.read_cached(path) is None


# ------------------------------------------------------------ model arguments
@pytest.mark.parametrize("n", [2.5, "3", True, 0])
def test_generate_takes_a_positive_whole_number(n):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        tiny_dcgan().generate(n, seed=0)


def test_generate_batch_size_and_latent_dim_must_be_positive():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        tiny_dcgan().generate(2, seed=0, batch_size=0)
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        tiny_dcgan(latent_dim=0)
    assert tiny_dcgan().generate(np.int64(2), seed=0).shape == (2, 28, 28, 1)


def test_learning_rates_must_be_positive(capsys):
    with pytest.raises(ValueError, match="g_lr must be a positive learning rate"):
        training.compile_variant(tiny_dcgan(), g_lr=-1e-3)
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*TOY_RUN, "--d-lr", "-0.001"])
    assert exit_info.value.code == cli.USAGE
    assert "must be a positive number" in capsys.readouterr().err


# ---------------------------------------------------------------- NaN guard
class _PoisonAtEpoch(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            kernel = self.model.discriminator.trainable_weights[-2]
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))


def test_a_run_that_turns_nan_names_the_epoch_and_draws_no_grid(tmp_path):
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    grid = kerasgan.callbacks.SampleGrid(tmp_path / "samples", n=4)
    with pytest.raises(FloatingPointError, match="at epoch 2, batch 0"):
        gan.fit(
            random_images(16),
            batch_size=8,
            epochs=3,
            verbose=0,
            callbacks=[_PoisonAtEpoch(), grid],
        )
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == [
        "epoch_001.png"
    ]


# ------------------------------------------------------------------ run folders
def _train(out, *extra):
    return cli.main([*TOY_RUN, "--out", str(out), *extra])


def test_a_used_out_folder_is_refused_unless_resume_or_overwrite(tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(out) == cli.OK
    (out / "samples" / "epoch_007.png").write_bytes(b"from an earlier run")
    capsys.readouterr()
    assert _train(out) == cli.USAGE
    err = capsys.readouterr().err
    assert str(out) in err and "--resume" in err and "--overwrite" in err
    assert _train(out, "--overwrite") == cli.OK
    assert not (out / "samples" / "epoch_007.png").exists()  # no mixed grids
    # --overwrite removes what runs write, never a folder of other files.
    (out / "thesis.tex").write_text("not a run file")
    assert _train(out, "--overwrite") == cli.USAGE
    assert "thesis.tex" in capsys.readouterr().err
    assert (out / "thesis.tex").exists() and (out / "model.keras").exists()


def test_resume_needs_a_backup(tmp_path, capsys):
    assert _train(tmp_path / "new", "--resume") == cli.USAGE
    assert "Nothing to resume" in capsys.readouterr().err
    assert _train(tmp_path / "done") == cli.OK
    assert _train(tmp_path / "done", "--resume") == cli.USAGE
    assert "the run finished" in capsys.readouterr().err


def test_resume_with_other_arguments_names_the_difference(tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(out) == cli.OK
    shutil.copytree(out / "preset", out / "backup")  # stands for a killed run
    for extra, difference in [
        (["--latent-dim", "3"], "latent_dim: 2 in the run, 3 now"),
        (["--loss", "lsgan"], "loss: None in the run, 'lsgan' now"),
        (["--seed", "5"], "seed: 0 in the run, 5 now"),
    ]:
        argv = [*TOY_RUN, "--out", str(out), "--resume"]
        argv[argv.index("2")] = extra[1] if extra[0] == "--latent-dim" else "2"
        if extra[0] != "--latent-dim":
            argv += extra
        assert cli.main(argv) == cli.USAGE
        err = capsys.readouterr().err
        assert difference in err and "arguments.json" in err, err


def test_an_unwritable_out_fails_before_training(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setattr(training, "_training_data", _must_not_run)
    assert _train(blocker / "run") == cli.FAILED
    assert f"Cannot write {blocker / 'run'}" in capsys.readouterr().err


def _must_not_run(*args, **kwargs):
    raise AssertionError("training started")


def test_a_truncated_image_ends_the_cli_with_one_line(tmp_path, capsys):
    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(16):
        pixels = rng.integers(0, 255, (28, 28), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{i:02d}.png")
    broken = folder / "03.png"
    broken.write_bytes(broken.read_bytes()[:60])
    code = cli.main(
        ["train", "dcgan", "--dataset", str(folder), "--filters", "4"]
        + ["--latent-dim", "4", "--batch-size", "8", "--epochs", "1"]
        + ["--verbose", "0", "--out", str(tmp_path / "run")]
    )
    # What Python prints; TensorFlow's own C++ log lines are kerasgan.tf_logs's.
    err = capsys.readouterr().err.strip().splitlines()
    assert code == cli.FAILED
    message = (
        f"kerasgan: error: Cannot decode image {broken} (image file is truncated). "
        "Remove or replace the file."
    )
    assert err == [message]


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs an unwritable /proc")
def test_write_failures_and_tampered_presets_exit_1(preset_copy, capsys):
    assert cli.main(["sample", str(preset_copy), "--out", "/proc/x.png"]) == cli.FAILED
    assert "Cannot write /proc/x.png" in capsys.readouterr().err
    weights = preset_copy / "model.weights.h5"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert cli.main(["sample", str(preset_copy), "--out", "x.png"]) == cli.FAILED
    assert "does not match its sha256" in capsys.readouterr().err


def test_the_run_arguments_are_written_before_the_first_epoch(tmp_path, monkeypatch):
    seen = {}

    def record(*args, **kwargs):
        seen.update(json.loads((tmp_path / "run" / "arguments.json").read_text()))
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "_callbacks", record)
    with pytest.raises(KeyboardInterrupt), warnings.catch_warnings():
        _train(tmp_path / "run")
    assert seen["variant"] == "vanilla_gan" and seen["latent_dim"] == 2
    assert seen["backend"] == keras.backend.backend()
