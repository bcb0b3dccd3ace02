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
