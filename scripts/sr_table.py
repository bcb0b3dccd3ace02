"""The super-resolution table: bicubic, SRResNet and SRGAN on held-out photographs.

Scores the zoo entries `srresnet_photos_sr4` (also with the ×8 self-ensemble) and
`srgan_photos_sr4` and MATLAB bicubic upscaling on the test split of `photos-sr4` (photographs no model trained
on), with the SR papers' protocol: PSNR and SSIM on the BT.601 luma, borders of 4
pixels cropped; beside them the sharpness ratio (`kerasgan.metrics.sharpness_ratio`:
mean |gradient| against the ground truth's). Writes the table and a picture (a crop
of each photograph: bicubic, SRResNet, SRGAN, ground truth) into
docs/variants/srgan.md.

    KERAS_BACKEND=tensorflow python scripts/sr_table.py
"""

import pathlib

import keras
import numpy as np

import kerasgan
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import centre_crop
from kerasgan.utils.images import save_samples
from train import git

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "variants" / "srgan.md"
PICTURE = ROOT / "docs" / "images" / "variants" / "sr_photos.png"
DATASET = "photos-sr4"
ENTRIES = {"SRResNet": "srresnet_photos_sr4", "SRGAN (MSE content)": "srgan_photos_sr4"}
# A table row, not a picture column: SRResNet with the geometric self-ensemble at
# test time (`upscale(..., self_ensemble=True)`, EDSR's "+"), the same weights.
SELF_ENSEMBLE = ("SRResNet, ×8 self-ensemble", "srresnet_photos_sr4")
CROP = 96  # the picture shows a 96×96 crop of each photograph, enlarged ×2


def scores(upscaled, high_res, scale):
    y_channel = high_res.shape[-1] == 3
    options = dict(crop_border=scale, y_channel=y_channel)

    def mean(metric):
        # The metrics return backend tensors (torch's have no NumPy `mean(axis=)`).
        values = metric(upscaled, high_res, **options)
        return float(np.mean(keras.ops.convert_to_numpy(values)))

    return {
        "PSNR (dB)": mean(kerasgan.metrics.psnr),
        "SSIM": mean(kerasgan.metrics.ssim),
        "sharpness": mean(kerasgan.metrics.sharpness_ratio),
    }


def main():
    low_res, high_res = kerasgan.data.load_numpy(DATASET, split="test")
    scale = high_res.shape[1] // low_res.shape[1]
    outputs = {"bicubic": kerasgan.metrics.bicubic_upscale(low_res, scale)}
    for label, entry in ENTRIES.items():
        outputs[label] = kerasgan.zoo.load(entry).upscale(low_res)
    pictured = list(outputs)
    label, entry = SELF_ENSEMBLE
    outputs[label] = kerasgan.zoo.load(entry).upscale(low_res, self_ensemble=True)
    rows = ["| ×4, held-out photographs | PSNR (dB) ↑ | SSIM ↑ | sharpness (1 = ground truth) |",
            "|---|---|---|---|"]
    for label, upscaled in outputs.items():
        s = scores(upscaled, high_res, scale)
        rows.append(f"| {label} | {s['PSNR (dB)']:.2f} | {s['SSIM']:.4f} | {s['sharpness']:.3f} |")
        print(label, s, flush=True)
    picture = [centre_crop(outputs[label], CROP) for label in pictured] + [
        centre_crop(high_res, CROP)]
    picture = np.stack(picture, axis=1).reshape((-1, CROP, CROP, high_res.shape[-1]))
    save_samples(picture, PICTURE, columns=len(pictured) + 1)
    commit = git("rev-parse", "--short=10", "HEAD")
    text = "\n".join(rows + [
        "",
        f"![bicubic, SRResNet, SRGAN, ground truth](../images/variants/{PICTURE.name})",
        "",
        f"Columns: {', '.join(pictured)}, ground truth ({CROP}×{CROP} centre crops of "
        f"the {len(high_res)} held-out photographs). Y channel (BT.601), {scale}-pixel "
        f"borders cropped. Measured by `KERAS_BACKEND={keras.backend.backend()} "
        f"python scripts/sr_table.py` at commit `{commit}`.",
    ])
    replace_marked_section(DOC, "sr-table", text)
    print(text)


if __name__ == "__main__":
    main()
