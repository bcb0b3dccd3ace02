"""A super-resolution zoo entry's PSNR gain over bicubic, photograph by photograph.

Scores the entry (default `srresnet_photos_sr4`) on a centre crop of each training
and each held-out photograph of `photos-sr4`, at most 300×448 (the held-out crops'
size), with `scripts/sr_table.py`'s protocol (PSNR on the BT.601 luma, borders of 4
pixels cropped). The gap between the two splits' mean gains says how much of what
the network learnt is its training photographs' own content.

    KERAS_BACKEND=tensorflow python scripts/sr_photo_gains.py [ENTRY]
"""

import sys

import numpy as np

import kerasgan
from kerasgan.data import super_resolution
from sr_table import scores

CROP = (300, 448)


def crop_pair(low_res, high_res, scale):
    """A centre crop of the pair, at most CROP, on the low-res pixel grid."""
    height, width = (min(limit // scale, side) for limit, side in zip(CROP, low_res.shape[:2]))
    top, left = (low_res.shape[0] - height) // 2, (low_res.shape[1] - width) // 2
    low = low_res[top:top + height, left:left + width]
    high = high_res[scale * top:scale * (top + height), scale * left:scale * (left + width)]
    return to_unit_range(low), to_unit_range(high)


def to_unit_range(image):
    return image[None].astype("float32") / 127.5 - 1


def psnr(images, references, scale):
    return scores(images, references, scale)["PSNR (dB)"]


def main(entry="srresnet_photos_sr4"):
    model = kerasgan.zoo.load(entry)
    scale = super_resolution.SCALE
    for split, names in super_resolution.SPLIT_PHOTOS.items():
        gains = []
        for name in names:
            low, high = crop_pair(*super_resolution.photo_pairs(split, [name])[0], scale)
            bicubic = psnr(kerasgan.metrics.bicubic_upscale(low, scale), high, scale)
            gains.append(psnr(model.upscale(low), high, scale) - bicubic)
            print(f"{split:5s} {name:22s} bicubic {bicubic:6.2f} dB  gain {gains[-1]:+.2f}",
                  flush=True)
        print(f"{split:5s} mean gain over bicubic: {np.mean(gains):+.2f} dB", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
