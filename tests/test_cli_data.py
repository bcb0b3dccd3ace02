"""`kerasgan train`'s data options: what `kerasgan.data.load` takes, on the command line."""

import json

import numpy as np
import pytest
from PIL import Image

from kerasgan import cli

SMALL_RUN = [
    "dcgan",
    "--epochs",
    "1",
    "--batch-size",
    "4",
    "--steps-per-epoch",
    "1",
    "--filters",
    "4",
    "--latent-dim",
    "8",
    "--verbose",
    "0",
]


@pytest.fixture
def mixed_folder(tmp_path):
    """Eight images of three sizes, grayscale and RGB: no common shape."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i, (height, width, mode) in enumerate(
        [(20, 24, "L"), (30, 30, "RGB"), (40, 16, "RGB"), (33, 35, "L")] * 2
    ):
        shape = (height, width) if mode == "L" else (height, width, 3)
        pixels = rng.integers(0, 256, shape, dtype=np.uint8)
        Image.fromarray(pixels, mode).save(folder / f"{i}.png")
    return folder


def test_a_folder_of_mixed_sizes_needs_and_takes_image_size_and_channels(
    mixed_folder, tmp_path, capsys
):
    refused = cli.main(
        ["train", *SMALL_RUN, "--dataset", str(mixed_folder), "--out", str(tmp_path / "a")]
    )
    assert refused == cli.USAGE
    assert "--image-size" in capsys.readouterr().err
    out = tmp_path / "b"
    argv = ["--dataset", str(mixed_folder), "--image-size", "32", "--channels", "1"]
    assert cli.main(["train", *SMALL_RUN, *argv, "--out", str(out)]) == cli.OK
    config = json.loads((out / "preset" / "config.json").read_text())
    assert tuple(config["config"]["data_shape"]) == (32, 32, 1)
    arguments = json.loads((out / "arguments.json").read_text())
    assert arguments["data_options"] == {"image_size": 32, "channels": 1}


def test_image_size_takes_a_side_or_height_x_width():
    parse = cli.build_parser().parse_args
    assert parse(["train", "dcgan", "--image-size", "64"]).image_size == 64
    assert parse(["train", "dcgan", "--image-size", "64x48"]).image_size == (64, 48)
    with pytest.raises(SystemExit):
        parse(["train", "dcgan", "--image-size", "64x"])


def test_train_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for shown in ["epochs (default: 5)", "examples per batch (default: 64)",
                  "(default: 0)", "the split to train on (default: train)"]:
        assert shown in text, shown
    assert "(default: None)" not in text and "(default: False)" not in text
