"""The `kerasgan` command line: train, sample, interpolate, evaluate, exit codes."""

import csv
import inspect
import json
import re
import subprocess
import sys

import keras
import numpy as np

import pytest
from PIL import Image

from conftest import other_backends, subprocess_env, tiny_dcgan, to_numpy
import kerasgan
from kerasgan import cli
from kerasgan import training
from kerasgan.models import registry
from kerasgan.utils.images import image_grid

TOY_RUN = [
    "vanilla_gan",
    "--dataset",
    "ring8",
    "--latent-dim",
    "2",
    "--batch-size",
    "32",
    "--steps-per-epoch",
    "3",
    "--verbose",
    "0",
]


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("toy")
    assert cli.main(["train", *TOY_RUN, "--epochs", "2", "--out", str(out)]) == 0
    return out


def test_train_writes_the_run_folder(toy_run):
    for name in [
        "samples/epoch_001.png",
        "samples/epoch_002.png",
        "losses.png",
        "history.csv",
        "last_good.weights.h5",
        "model.keras",
        "run.json",
        "preset/config.json",
        "preset/model.weights.h5",
        "preset/metadata.json",
    ]:
        assert (toy_run / name).is_file(), name
    assert not (toy_run / "backup").exists()  # removed once training finished
    assert not list(toy_run.rglob(".*-tmp-*"))  # no leftover temporary files
    rows = list(csv.DictReader(open(toy_run / "history.csv")))
    assert [r["epoch"] for r in rows] == ["1", "2"] and "diversity" in rows[0]
    run = json.loads((toy_run / "run.json").read_text())
    assert run["backend"] == keras.backend.backend() and run["steps_per_epoch"] == 3
    gan = keras.models.load_model(toy_run / "model.keras")
    assert int(gan.optimizer.iterations) == 6 and gan.ema_decay == 0.999
    preset = kerasgan.zoo.load(toy_run / "preset")
    np.testing.assert_allclose(preset.generate(5, seed=1), gan.generate(5, seed=1))


def test_sample_and_evaluate_a_toy_run(toy_run, tmp_path, capsys):
    grid = tmp_path / "grid.png"
    assert cli.main(["sample", str(toy_run), "--n", "16", "--out", str(grid)]) == 0
    assert Image.open(grid).size[0] > 100
    assert cli.main(["evaluate", str(toy_run), "--n", "200"]) == 0
    scores = json.loads((toy_run / "evaluation.json").read_text())
    assert scores["dataset"] == "ring8" and scores["num_modes"] == 8
    assert scores["num_samples"] == 200 and 0 <= scores["high_quality"] <= 1
    assert '"modes_covered"' in capsys.readouterr().out
    # Points have no latent walk to draw; swissroll has no metric yet.
    assert cli.main(["interpolate", str(toy_run), "--out", str(tmp_path / "w.gif")]) == 2
    assert cli.main(["evaluate", str(toy_run), "--dataset", "swissroll"]) == 3


def test_sample_and_interpolate_an_image_run(tmp_path):
    gan = tiny_dcgan(ema_decay=0.99)
    (tmp_path / "run").mkdir()
    gan.save(tmp_path / "run" / "model.keras")
    grid, walk, strip = tmp_path / "g.png", tmp_path / "w.gif", tmp_path / "w.png"
    run = str(tmp_path / "run")
    assert cli.main(["sample", run, "--n", "4", "--seed", "5", "--out", str(grid)]) == 0
    expected = image_grid(gan.generate(4, seed=5))
    np.testing.assert_allclose(
        np.array(Image.open(grid))[::2, ::2], expected[..., 0], atol=1
    )
    args = ["interpolate", run, "--seeds", "1", "2", "--steps", "3"]
    assert cli.main([*args, "--out", str(walk)]) == 0
    assert Image.open(walk).n_frames == 2 * (3 - 1)  # there and back
    assert cli.main([*args, "--method", "linear", "--out", str(strip)]) == 0
    assert Image.open(strip).size == (2 * (3 * 30 + 2), 2 * 32)


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "no_such_variant"],
        ["train", "dcgan", "--epochs", "0"],
        ["train", "dcgan", "--backend", "numpy"],
        ["interpolate", "run", "--method", "cubic"],
        ["fly"],
    ],
)
def test_bad_arguments_exit_with_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert "usage: kerasgan" in capsys.readouterr().err


def test_bad_values_exit_with_2_and_say_why(tmp_path, capsys):
    missing = str(tmp_path / "nothing")
    assert cli.main(["sample", missing]) == 2
    assert "neither a folder written by `kerasgan train`" in capsys.readouterr().err
    assert cli.main(["train", *TOY_RUN, "--dataset", "nope", "--out", missing]) == 2
    assert "nope" in capsys.readouterr().err
    assert cli.main(["interpolate", missing, "--out", "walk.jpg"]) == 2


@pytest.mark.parametrize(
    "command",
    [[], ["train"], ["sample"], ["interpolate"], ["evaluate"], ["zoo"], ["zoo", "list"]],
)
def test_every_command_has_help_with_exit_codes(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "exit codes: 0 success; 1 runtime failure" in capsys.readouterr().out


def test_train_help_lists_the_registered_variants(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    for variant in registry.variants():
        assert f"{variant.name}  " in out and variant.summary[:20] in out


@pytest.mark.parametrize("variant", registry.names(task=registry.GENERATE))
def test_training_builds_every_registered_variant(variant):
    entry = registry.get(variant)
    shape = (16, 16, 1) if entry.data_ranks == registry.IMAGES else (2,)
    options = {"num_classes": 3} if entry.conditional else {}
    # latent_dim 6: BigGAN splits the latents into 3 chunks at 16×16.
    gan = training.build_variant(variant, shape, latent_dim=6, seed=0, **options)
    assert type(gan) is entry.cls and tuple(gan.data_shape) == shape


def test_training_builds_every_generating_variant_at_its_own_latent_size():
    # `kerasgan train` without --latent-dim: 100 would not split into BigGAN's chunks.
    for variant in ("big_gan", "adversarial_autoencoder"):
        entry = registry.get(variant)
        options = {"num_classes": 3} if entry.conditional else {}
        gan = training.build_variant(variant, (16, 16, 1), latent_dim=None, seed=0, **options)
        default = inspect.signature(entry.cls.__init__).parameters["latent_dim"].default
        assert gan.latent_dim == default


def test_filters_sets_each_variants_conv_widths_or_says_it_has_none(tmp_path, capsys):
    assert training.width_options("wgan", 8) == {"g_filters": 8, "d_filters": 8}
    assert training.width_options("cycle_gan", 8) == {"g_filters": 8, "d_filters": 8}
    assert training.width_options("dcgan", None) == {}
    argv = ["train", "adversarial_autoencoder", "--filters", "8", "--out", str(tmp_path / "r")]
    assert cli.main(argv) == 2
    assert "adversarial_autoencoder has no convolutional networks" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # refused before anything was written


def test_train_names_the_data_a_variant_needs(tmp_path, capsys):
    argv = ["train", "dcgan", "--dataset", "ring8", "--out", str(tmp_path)]
    assert cli.main(argv) == 2
    assert "dcgan trains on images" in capsys.readouterr().err


@pytest.fixture
def small_zoo(tmp_path, monkeypatch):
    """A zoo of one preset, a conditional model trained for three steps by the CLI."""
    out = tmp_path / "run"
    argv = ["train", "conditional_gan", "--dataset", "mnist-5k", "--filters", "4"]
    argv += ["--latent-dim", "8", "--steps-per-epoch", "3", "--epochs", "1"]
    assert cli.main([*argv, "--verbose", "0", "--out", str(out)]) == 0
    zoo = tmp_path / "zoo"
    (out / "preset").rename(zoo.mkdir() or zoo / "tiny_cgan")
    monkeypatch.setenv("KERASGAN_ZOO", str(zoo))
    return zoo


def test_zoo_list_info_and_sample_by_name(small_zoo, tmp_path, capsys):
    assert cli.main(["zoo", "list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:3] == ["name", "variant", "dataset"]
    assert listing[1].split()[:3] == ["tiny_cgan", "ConditionalGAN", "mnist-5k"]
    assert cli.main(["zoo", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "tiny_cgan"
    assert cli.main(["zoo", "info", "tiny_cgan", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["variant"] == "ConditionalGAN" and "model.weights.h5" in info["files"]
    grid = tmp_path / "grid.png"
    assert cli.main(["sample", "tiny_cgan", "--n", "20", "--out", str(grid)]) == 0
    assert Image.open(grid).size[0] > 100
    assert cli.main(["zoo", "info", "no_such_entry"]) == 2
    assert "Built-in names: tiny_cgan" in capsys.readouterr().err


class _Crash(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt  # after BackupAndRestore saved epoch 2


def test_resume_continues_a_killed_run_exactly(tmp_path, monkeypatch):
    def final_state(out):
        gan = keras.models.load_model(out / "model.keras")
        return to_numpy(gan.variables + gan.optimizer.variables)

    arguments = ["train", *TOY_RUN, "--epochs", "3", "--out"]
    assert cli.main([*arguments, str(tmp_path / "straight")]) == 0
    make_callbacks = training._callbacks
    monkeypatch.setattr(
        training, "_callbacks", lambda *args: [*make_callbacks(*args), _Crash()]
    )
    with pytest.raises(KeyboardInterrupt):
        cli.main([*arguments, str(tmp_path / "resumed")])
    monkeypatch.setattr(training, "_callbacks", make_callbacks)
    assert (tmp_path / "resumed" / "backup").exists()
    assert cli.main([*arguments, str(tmp_path / "resumed"), "--resume"]) == 0
    for got, want in zip(
        final_state(tmp_path / "resumed"), final_state(tmp_path / "straight")
    ):
        np.testing.assert_allclose(got, want, atol=1e-6)
    rows = list(csv.DictReader(open(tmp_path / "resumed" / "history.csv")))
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]


def test_backend_flag_reexecutes_under_that_backend(toy_run, tmp_path):
    backend = other_backends()[0]
    grid = tmp_path / "grid.png"
    env = subprocess_env(keras.backend.backend())
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # what a user's shell has
    result = subprocess.run(
        [sys.executable, "-m", "kerasgan.cli", "sample", str(toy_run)]
        + ["--backend", backend, "--out", str(grid)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"wrote {grid} (backend {backend})" in result.stdout
    assert grid.is_file()
    # The re-executed process quiets TensorFlow as the first one did (issue 20).
    output = result.stdout + result.stderr
    assert not re.search(r"^[IWEF]\d{4} |absl::InitializeLog", output, re.MULTILINE), output
