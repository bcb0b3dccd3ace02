"""fashion-mnist-captions: Fashion-MNIST images with captions measured from their pixels.

Every caption names the image's class and three attributes computed from the
28×28 image itself (before the 2-pixel padding to 32×32), on intensities in [0, 1]:

- the garment's pixels ("ink") are those brighter than `INK = 0.1`;
- size: the share of the 784 pixels that are ink: "small" below 0.35, "medium"
  below 0.55, "large" from 0.55 (about the train split's tertiles);
- tone: the mean intensity of the ink pixels: "dark" below 0.55, "grey" below
  0.72, "white" from 0.72 (about the tertiles). Words describe the image as stored
  and shown, a light garment on black: Fashion-MNIST negated the product photos,
  so a "white" garment here was a dark product in its photograph;
- contrast: the standard deviation of the ink intensities: "low-contrast" below
  0.18, "high-contrast" from 0.18 (about the median).

The caption of the i-th image of a split uses template `i % 3` of `TEMPLATES`, so
captions are deterministic. Tokens are ids in the fixed `VOCABULARY` (0 pads),
computed in NumPy: the same on every backend, no string ops in the graph.
"""

import numpy as np

from kerasgan.data import fashion_mnist
from kerasgan.data import pipeline

SPLIT_SIZES = {"train": 60_000, "test": 10_000}
CLASS_NAMES = ("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
               "sneaker", "bag", "ankle boot")
INK = 0.1
#: attribute → (its words, low to high; the thresholds between them).
ATTRIBUTES = {
    "size": (("small", "medium", "large"), (0.35, 0.55)),
    "tone": (("dark", "grey", "white"), (0.55, 0.72)),
    "contrast": (("low-contrast", "high-contrast"), (0.18,)),
}
TEMPLATES = (
    "a {size} {tone} {contrast} {cls}",
    "a {tone} {cls} that is {size} and {contrast}",
    "a {contrast} {size} {cls} in {tone}",
)
#: Tokens per caption (the longest caption has 9); shorter ones are padded with 0.
MAX_TOKENS = 12
PAD = "<pad>"


def _vocabulary():
    words = {w for template in TEMPLATES for w in template.split() if "{" not in w}
    words |= {w for name in CLASS_NAMES for w in name.split()}
    words |= {w for choices, _ in ATTRIBUTES.values() for w in choices}
    return (PAD,) + tuple(sorted(words))


#: Every word a caption may use; a token id is a word's index (0: padding).
VOCABULARY = _vocabulary()
_IDS = {word: index for index, word in enumerate(VOCABULARY)}


def measure(images):
    """The attribute values of uint8 (or [0, 1] float) images, before binning.

    Args:
        images: `(n, height, width)` or `(n, height, width, 1)`.

    Returns:
        `{"size": (n,), "tone": (n,), "contrast": (n,)}` float arrays.
    """
    x = np.asarray(images)
    x = x.astype("float64") / 255.0 if x.dtype == np.uint8 else x.astype("float64")
    x = x.reshape(len(x), -1)
    ink = x > INK
    count = np.maximum(ink.sum(axis=1), 1)
    tone = (x * ink).sum(axis=1) / count
    spread = (np.square(x - tone[:, None]) * ink).sum(axis=1) / count
    return {"size": ink.mean(axis=1), "tone": tone, "contrast": np.sqrt(spread)}


def attributes(images):
    """Each image's attribute bins: `{"size": int (n,), "tone": ..., "contrast": ...}`,
    the index of the attribute's word in `ATTRIBUTES`."""
    values = measure(images)
    return {name: np.digitize(values[name], ATTRIBUTES[name][1]).astype("int32")
            for name in ATTRIBUTES}


def compose(labels, bins, template_ids=None):
    """The captions of images with classes `labels` and attribute `bins`.

    Args:
        labels: int `(n,)` Fashion-MNIST classes.
        bins: `{attribute: int (n,)}` as `attributes()` gives.
        template_ids: int `(n,)` template per caption; default `i % len(TEMPLATES)`.

    Returns:
        A list of `n` strings.
    """
    labels = np.asarray(labels)
    if template_ids is None:
        template_ids = np.arange(len(labels)) % len(TEMPLATES)
    return [
        TEMPLATES[t].format(cls=CLASS_NAMES[int(c)], **{
            name: ATTRIBUTES[name][0][int(bins[name][i])] for name in ATTRIBUTES})
        for i, (c, t) in enumerate(zip(labels, template_ids))
    ]


def tokenize(captions):
    """Token ids of captions, padded with 0 to `MAX_TOKENS`.

    Lower-cased and split on spaces; every word must be in `VOCABULARY`.

    Args:
        captions: a string or a list of strings.

    Returns:
        int32 `(n, MAX_TOKENS)`.

    Raises:
        ValueError: a caption with words outside the vocabulary, or too long.
    """
    if isinstance(captions, str):
        captions = [captions]
    captions = list(captions)
    if not captions:
        raise ValueError("tokenize() needs at least one caption.")
    tokens = np.zeros((len(captions), MAX_TOKENS), dtype="int32")
    for row, caption in enumerate(captions):
        if not isinstance(caption, str):
            raise TypeError(f"Captions are strings; caption {row} is {caption!r}.")
        words = caption.lower().split()
        unknown = sorted({w for w in words if w not in _IDS or w == PAD})
        if unknown:
            raise ValueError(
                f"Caption {row} ({caption!r}) has words outside the caption "
                f"vocabulary: {unknown}. The built-in vocabulary "
                "(kerasgan.data.captions.VOCABULARY) holds "
                f"{', '.join(VOCABULARY[1:])}; for other words, tokenize the captions "
                "yourself and give the model a text_encoder that reads your ids."
            )
        if not words or len(words) > MAX_TOKENS:
            raise ValueError(
                f"Caption {row} ({caption!r}) has {len(words)} words; captions have "
                f"1 to {MAX_TOKENS}."
            )
        tokens[row, : len(words)] = [_IDS[w] for w in words]
    return tokens


def detokenize(tokens):
    """The captions of token ids (padding dropped)."""
    return [" ".join(VOCABULARY[int(t)] for t in row if t) for row in np.asarray(tokens)]


def read_attributes(tokens):
    """The class and attribute bins a caption names, read from its tokens.

    What the built-in text encoder is trained to recover, and how a generated
    image's caption class is known (text–image agreement).

    Returns:
        `{"class": int (n,), "size": ..., "tone": ..., "contrast": ...}`; -1 where a
        caption does not name it.
    """
    tokens = np.asarray(tokens)
    out = {"class": _find(tokens, [name.split()[-1] for name in CLASS_NAMES])}
    for name, (words, _) in ATTRIBUTES.items():
        out[name] = _find(tokens, words)
    return out


def _find(tokens, words):
    found = np.full(len(tokens), -1, dtype="int32")
    for index, word in enumerate(words):
        found[(tokens == _IDS[word]).any(axis=1)] = index
    return found


def all_captions():
    """Every caption the templates make (each class × attribute bins × template)."""
    grid = np.stack(np.meshgrid(*[np.arange(n) for n in _bin_counts()], indexing="ij"),
                    -1).reshape(-1, 4)
    grid = np.repeat(grid, len(TEMPLATES), axis=0)
    templates = np.tile(np.arange(len(TEMPLATES)), len(grid) // len(TEMPLATES))
    bins = {name: grid[:, i + 1] for i, name in enumerate(ATTRIBUTES)}
    return compose(grid[:, 0], bins, templates)


def random_captions(n, seed=None, labels=None):
    """`n` captions drawn from the templates: classes `labels` (uniform if None),
    attribute bins and templates uniform, from `np.random.default_rng(seed)`."""
    rng = np.random.default_rng(seed)
    counts = _bin_counts()
    classes = rng.integers(0, counts[0], n) if labels is None else np.asarray(labels)
    bins = {name: rng.integers(0, c, n) for name, c in zip(ATTRIBUTES, counts[1:])}
    return compose(classes, bins, rng.integers(0, len(TEMPLATES), n))


def _bin_counts():
    return [len(CLASS_NAMES)] + [len(words) for words, _ in ATTRIBUTES.values()]


def caption_arrays(split, data_dir=None):
    """A split's images, captions, tokens and what the captions were made from.

    Returns:
        A dict: `images` uint8 `(n, 32, 32, 1)` (28×28 padded by 2), `captions`
        (list of str), `tokens` int32 `(n, MAX_TOKENS)`, `labels` int32 `(n,)`,
        and the attribute bins `size`, `tone`, `contrast` int32 `(n,)`.
    """
    images, labels = fashion_mnist.load_arrays(split, data_dir)
    labels = np.asarray(labels).astype("int32")
    bins = attributes(images)
    captions = compose(labels, bins)
    return {"images": fashion_mnist.fit_to_size(images, fashion_mnist.PADDED_SIZE),
            "captions": captions, "tokens": tokenize(captions), "labels": labels, **bins}


def open_split(request):
    """A 'fashion-mnist-captions' split: batches `(images, tokens)`, images in [-1, 1]."""
    arrays = caption_arrays(request.split, request.data_dir)
    tf = pipeline.tensorflow()
    images = fashion_mnist.fit_to_size(
        arrays["images"][:, 2:-2, 2:-2], request.image_size or fashion_mnist.PADDED_SIZE)
    stored_images, stored_tokens = tf.constant(images), tf.constant(arrays["tokens"])

    def to_batch(indices):
        batch = pipeline.fit_images(tf.gather(stored_images, indices), channels=request.channels)
        return batch, tf.gather(stored_tokens, indices)

    return pipeline.RowSplit(np.arange(len(images), dtype="int32"), None, to_batch)
