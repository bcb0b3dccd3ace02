"""The StackGAN table: image quality, text–image agreement and the stage II gain.

Measures the zoo entry `stack_gan_fashion_mnist` on captions of the Fashion-MNIST
test split (`fashion-mnist-captions`, 1,000 captions drawn with seed 1):

- Inception FID and KID against 1,000 real Fashion-MNIST test images, the protocol of
  the zoo cards (`scripts/evaluate.py`: N = 1,000, bilinear resize to 299); the
  32×32 samples are centre-cropped to 28×28 (the datasets pad Fashion-MNIST by 2
  pixels), so the real set is the one `dcgan_fashion_mnist`'s card is measured on,
  whose numbers are read from its metrics.json;
- text–image agreement: the shipped Fashion-MNIST domain classifier's accuracy on the
  class named in the caption (on the real test images: the classifier's own
  accuracy, the ceiling), and the share of images whose size, tone and contrast,
  measured from the generated pixels as the captions were made
  (`kerasgan.data.captions.attributes`), are the caption's;
- stage I (16×16, enlarged ×2 bilinearly) against stage II (32×32) of the same
  captions and noise: the stage II gain.

Writes the table and the caption → stage I → stage II picture into
docs/variants/stack_gan.md:

    KERAS_BACKEND=tensorflow python scripts/stackgan_table.py
"""

import json
import pathlib

import keras
import numpy as np

import kerasgan
from kerasgan.data import captions
from kerasgan.metrics import domain_classifier
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import save_samples
from train import git

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "variants" / "stack_gan.md"
PICTURE = ROOT / "docs" / "images" / "variants" / "stack_gan_stages.png"
ENTRY, BASELINE = "stack_gan_fashion_mnist", "dcgan_fashion_mnist"
N = 1000
SEED = 1
PICTURE_CAPTIONS = ["a small white low-contrast sneaker", "a large dark high-contrast bag",
                    "a medium grey low-contrast dress", "a large white high-contrast coat",
                    "a small dark low-contrast sandal", "a medium white high-contrast trouser",
                    "a large grey low-contrast pullover", "a medium dark high-contrast ankle boot"]
PICTURE_SEEDS = (0, 1, 2, 3)


def crop(images):
    """32×32 → the 28×28 Fashion-MNIST image inside the 2-pixel padding."""
    return images[:, 2:-2, 2:-2]


def enlarge(images):
    """Stage-I images at the data size (bilinear ×2)."""
    size = (2 * images.shape[1], 2 * images.shape[2])
    return np.asarray(keras.ops.convert_to_numpy(
        keras.ops.image.resize(images, size, interpolation="bilinear")), "float32")


def agreement(images, tokens, classifier):
    """Class accuracy and attribute agreement of 28×28 images with their captions."""
    said = captions.read_attributes(tokens)
    predicted = np.argmax(classifier.predict(images, batch_size=250, verbose=0), axis=-1)
    pixels = np.clip(np.round((images + 1) * 127.5), 0, 255).astype(np.uint8)
    measured = captions.attributes(pixels)
    scores = {"class": float(np.mean(predicted == said["class"]))}
    for name in captions.ATTRIBUTES:
        scores[name] = float(np.mean(measured[name] == said[name]))
    return scores


def inception(images):
    results = kerasgan.metrics.evaluate(images, "fashion-mnist", num_samples=N,
                                        extractor="inception", metrics=("fid", "kid"))
    return {name: results[name].value for name in ("fid", "kid")}


def baseline_metrics():
    metrics = json.loads((ROOT / "zoo" / BASELINE / "metrics.json").read_text())
    return {r["name"]: r["value"] for r in metrics["results"]
            if r["extractor"] == "inception" and r["name"] in ("fid", "kid")}


def parameters(model, networks):
    return sum(model.network(name).count_params() for name in networks)


def picture(model):
    """Rows: one caption; columns: stage I (enlarged) and stage II for each seed."""
    columns = []
    for seed in PICTURE_SEEDS:
        low, high = model.generate_from_text(PICTURE_CAPTIONS, seed=seed, return_stages=True)
        columns += [np.repeat(np.repeat(low, 2, axis=1), 2, axis=2), high]
    grid = np.stack(columns, axis=1).reshape((-1,) + model.data_shape)
    save_samples(grid, PICTURE, columns=len(columns))


def main():
    model = kerasgan.zoo.load(ENTRY)
    test = captions.caption_arrays("test")
    chosen = np.sort(np.random.default_rng(SEED).choice(len(test["tokens"]), N, replace=False))
    tokens = test["tokens"][chosen]
    low, high = model.generate_from_text(tokens, seed=SEED, stage=2, return_stages=True)
    classifier, _ = domain_classifier.load_classifier("fashion-mnist")
    real = crop(test["images"][chosen].astype("float32") / 127.5 - 1)
    stage_one = ("text_encoder", "conditioning_1", "generator_1")
    rows = {"real test images (the captions' own)": (None, None, agreement(real, tokens, classifier))}
    for label, images, networks in (
            ("StackGAN stage I (16×16, enlarged ×2)", enlarge(low), stage_one),
            ("StackGAN stage II (32×32)", high, stage_one + ("conditioning_2", "generator_2"))):
        images = crop(images)
        rows[label] = (parameters(model, networks), inception(images),
                       agreement(images, tokens, classifier))
        print(label, rows[label], flush=True)
    dcgan = kerasgan.zoo.load(BASELINE)
    lines = ["| samples | G parameters | FID ↓ | KID ↓ | class agreement ↑ | size | tone | contrast |",
             "|---|---|---|---|---|---|---|---|"]
    for label, (count, quality, agree) in rows.items():
        params = "–" if count is None else f"{count:,}"
        fid = "–" if quality is None else f"{quality['fid']:.1f}"
        kid = "–" if quality is None else f"{quality['kid']:.4f}"
        lines.append(f"| {label} | {params} | {fid} | {kid} | {agree['class']:.3f} | "
                     f"{agree['size']:.3f} | {agree['tone']:.3f} | {agree['contrast']:.3f} |")
    base = baseline_metrics()
    lines.append(f"| DCGAN `{BASELINE}` (no text; its card) | "
                 f"{dcgan.generator.count_params():,} | {base['fid']:.1f} | {base['kid']:.4f} "
                 "| – | – | – | – |")
    picture(model)
    commit = git("rev-parse", "--short=10", "HEAD")
    text = "\n".join(lines + [
        "",
        f"N = {N} generated images from the captions of {N} Fashion-MNIST test images "
        f"(drawn with seed {SEED}; noise seed {SEED}) against {N} real test images; "
        "Inception features (2015-12-05 graph, bilinear resize to 299), samples cropped "
        "to 28×28. The DCGAN row is its zoo card (`scripts/evaluate.py --zoo "
        f"{BASELINE}`: {N} samples from seed 1, the same {N} real images, no text). "
        "G parameters: the networks that draw an image (the text encoder and "
        "conditioning augmentation included). Class agreement: the Fashion-MNIST "
        "domain classifier (zoo/classifiers) on the class the caption names; size, "
        "tone, contrast: the share of images whose attributes, measured from their "
        "pixels with the captions' thresholds, are the caption's (chance: 1/3, 1/3, "
        "1/2; 1 for the real images by construction).",
        "",
        f"![caption → stage I → stage II](../images/variants/{PICTURE.name})",
        "",
        "Rows, top to bottom: " + "; ".join(f"{i + 1}. \"{c}\"" for i, c in
                                            enumerate(PICTURE_CAPTIONS)) + ". Columns: "
        f"stage I (16×16, shown ×2) then stage II (32×32) for noise seeds "
        f"{', '.join(map(str, PICTURE_SEEDS))}.",
        "",
        f"Measured by `KERAS_BACKEND={keras.backend.backend()} python "
        f"scripts/stackgan_table.py` at commit `{commit}`.",
    ])
    replace_marked_section(DOC, "stackgan-table", text)
    print(text)


if __name__ == "__main__":
    main()
