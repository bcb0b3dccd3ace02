"""`kerasgan translate` and `kerasgan upscale`: image files and folders in, PNGs out."""

import numpy as np
import pytest
from PIL import Image

import kerasgan
from conftest import tiny_dcgan
from kerasgan import cli


@pytest.fixture(scope="module")
def preset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("p2p") / "preset"
    model = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), g_filters=4, d_filters=4, seed=2)
    model.save_to_preset(folder)
    return folder, model


def _write(path, size, mode="L", seed=0):
    rng = np.random.default_rng(seed)
    shape = size[::-1] + ((3,) if mode == "RGB" else ())
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(path)


def test_translate_a_file_gives_the_models_translation(preset, tmp_path):
    folder, model = preset
    _write(tmp_path / "in.png", (16, 16))
    assert cli.main(["translate", str(folder), str(tmp_path / "in.png"),
                     "--out", str(tmp_path / "out.png")]) == 0
    written = np.asarray(Image.open(tmp_path / "out.png"), dtype="float32")
    source = np.asarray(Image.open(tmp_path / "in.png"), dtype="float32")[..., None] / 127.5 - 1
    expected = np.clip(np.round((model.translate(source)[..., 0] + 1) / 2 * 255), 0, 255)
    np.testing.assert_allclose(written, expected, atol=1)


def test_translate_a_folder_of_mixed_images(preset, tmp_path):
    folder, _ = preset
    images = tmp_path / "images"
    images.mkdir()
    _write(images / "a.png", (40, 24))
    _write(images / "b.jpg", (16, 16), mode="RGB", seed=1)
    assert cli.main(["translate", str(folder), str(images), "--out", str(tmp_path / "o")]) == 0
    outputs = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert outputs == ["a.png", "b.png"]
    assert Image.open(tmp_path / "o" / "a.png").size == (16, 16)


def test_upscale_and_translate_refuse_the_wrong_model(preset, tmp_path, capsys):
    folder, _ = preset
    _write(tmp_path / "in.png", (16, 16))
    assert cli.main(["upscale", str(folder), str(tmp_path / "in.png")]) == cli.USAGE
    assert "not a super-resolution model" in capsys.readouterr().err
    gan_folder = tmp_path / "dcgan"
    tiny_dcgan().save_to_preset(gan_folder)
    assert cli.main(["translate", str(gan_folder), str(tmp_path / "in.png")]) == cli.USAGE
    assert "does not translate images" in capsys.readouterr().err
    assert cli.main(["translate", str(folder), str(tmp_path / "missing.png")]) == cli.USAGE
    assert "neither an image file nor a folder" in capsys.readouterr().err


def test_upscale_with_the_self_ensemble_writes_the_models_self_ensemble(tmp_path):
    folder = tmp_path / "sr"
    model = kerasgan.models.SRGAN(scale=2, data_shape=(16, 16, 1), residual_blocks=1,
                                  g_filters=4, d_filters=4, seed=5)
    rng = np.random.default_rng(0)  # weights far from the start: outputs far from 0
    for variable in model.generator.trainable_variables:
        variable.assign(rng.normal(0.0, 0.5, variable.shape).astype("float32"))
    model.save_to_preset(folder)
    _write(tmp_path / "small.png", (12, 10))
    source = np.asarray(Image.open(tmp_path / "small.png"), dtype="float32")[..., None]
    source = source / 127.5 - 1
    for flag, expected in (([], model.upscale(source)),
                           (["--self-ensemble"], model.upscale(source, self_ensemble=True))):
        out = tmp_path / f"out{len(flag)}.png"
        assert cli.main(["upscale", str(folder), str(tmp_path / "small.png"),
                         "--out", str(out), *flag]) == 0
        written = np.asarray(Image.open(out), dtype="float32")
        assert written.shape == (20, 24)
        expected = np.clip(np.round((expected[..., 0] + 1) / 2 * 255), 0, 255)
        np.testing.assert_allclose(written, expected, atol=1)
    first, second = (np.asarray(Image.open(tmp_path / f"out{i}.png")) for i in (0, 1))
    assert np.abs(first.astype(int) - second).max() > 1  # the flag changed the output


def test_train_a_translator_then_translate_with_its_run(tmp_path, capsys):
    """`kerasgan train pix2pix` builds the model from the dataset's pairs, writes
    input → output grids and a preset; `kerasgan translate` then uses the run."""
    run = tmp_path / "run"
    argv = ["train", "pix2pix", "--dataset", "edges2fashion", "--filters", "4",
            "--batch-size", "4", "--steps-per-epoch", "2", "--epochs", "1",
            "--verbose", "0", "--out", str(run)]
    assert cli.main(argv) == 0
    assert (run / "samples").is_dir() and any((run / "samples").iterdir())
    model = kerasgan.zoo.load(str(run / "preset"))
    assert isinstance(model, kerasgan.models.Pix2Pix)
    assert model.data_shape == (32, 32, 1) and model.g_filters == 4
    _write(tmp_path / "edges.png", (32, 32))
    assert cli.main(["translate", str(run), str(tmp_path / "edges.png"),
                     "--out", str(tmp_path / "out.png")]) == 0
    assert Image.open(tmp_path / "out.png").size == (32, 32)


def test_a_constant_learning_rate_may_not_replace_a_paper_schedule():
    from kerasgan import training

    cycle = kerasgan.models.CycleGAN(data_shape=(16, 16, 1), g_filters=4, d_filters=4,
                                     residual_blocks=1)
    with pytest.raises(ValueError, match="schedule"):
        training.compile_translator(cycle, 100, g_lr=1e-3)
    p2p = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), g_filters=4, d_filters=4)
    training.compile_translator(p2p, 100, g_lr=1e-3)
    g = p2p.optimizer.get("g")
    assert float(g.learning_rate) == pytest.approx(1e-3) and g.beta_1 == 0.5


def test_a_model_starts_from_the_networks_of_a_preset(preset):
    from kerasgan import training

    folder, source = preset
    model = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), g_filters=4, d_filters=4, seed=9)
    assert training.load_networks_from(model, folder) == ["generator", "discriminator"]
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    np.testing.assert_allclose(model.translate(x), source.translate(x), atol=1e-6)
    other = kerasgan.models.Pix2Pix(data_shape=(16, 16, 1), g_filters=8, d_filters=8)
    with pytest.raises(ValueError, match="nothing to start from"):
        training.load_networks_from(other, folder)
