"""Differentiable augmentation (DiffAugment) in `keras.ops`: colour, translation, cutout."""

import keras
from keras import ops

POLICIES = ("color", "translation", "cutout")


def _uniform(images, seed, low=0.0, high=1.0):
    shape = (ops.shape(images)[0], 1, 1, 1)
    return keras.random.uniform(shape, low, high, seed=seed, dtype=images.dtype)


def adjust_color(images, seed):
    """Random brightness (±0.5), saturation (×0..2) and contrast (×0.5..1.5)."""
    images = images + _uniform(images, seed, -0.5, 0.5)
    channel_mean = ops.mean(images, axis=-1, keepdims=True)
    images = (images - channel_mean) * _uniform(images, seed, 0.0, 2.0) + channel_mean
    pixel_mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - pixel_mean) * _uniform(images, seed, 0.5, 1.5) + pixel_mean


def _shift_matrices(size, shifts, dtype):
    """`(batch, size, size)` matrices moving rows by `shifts`, zero-filling the gap."""
    source = ops.arange(size)[None, :] - ops.cast(shifts, "int32")[:, None]
    # A comparison, not ops.one_hot: torch's one_hot rejects out-of-range indices.
    matches = ops.equal(source[:, :, None], ops.arange(size)[None, None, :])
    return ops.cast(matches, dtype)  # rows shifted in from outside are all zeros


def translate(images, seed, ratio=0.125):
    """Shifts each image by up to `ratio` of its size, filling with zeros.

    Written as products with one-hot shift matrices, so it is differentiable and
    jit-safe on every backend (no data-dependent slicing).
    """
    height, width = images.shape[1], images.shape[2]
    batch = (ops.shape(images)[0],)
    max_dy, max_dx = int(height * ratio + 0.5), int(width * ratio + 0.5)
    dy = keras.random.randint(batch, -max_dy, max_dy + 1, seed=seed)
    dx = keras.random.randint(batch, -max_dx, max_dx + 1, seed=seed)
    rows = _shift_matrices(height, dy, images.dtype)
    columns = _shift_matrices(width, dx, images.dtype)
    images = ops.einsum("bij,bjwc->biwc", rows, images)
    return ops.einsum("bij,bhjc->bhic", columns, images)


def cutout(images, seed, ratio=0.5):
    """Zeroes a random `ratio`-sized square per image (centre anywhere in the image)."""
    height, width = images.shape[1], images.shape[2]
    centre_y = _uniform(images, seed) * height
    centre_x = _uniform(images, seed) * width
    ys = ops.reshape(ops.arange(height, dtype=images.dtype), (1, height, 1, 1))
    xs = ops.reshape(ops.arange(width, dtype=images.dtype), (1, 1, width, 1))
    inside = ops.logical_and(
        ops.abs(ys + 0.5 - centre_y) < height * ratio / 2,
        ops.abs(xs + 0.5 - centre_x) < width * ratio / 2,
    )
    return images * (1.0 - ops.cast(inside, images.dtype))


_TRANSFORMS = {"color": adjust_color, "translation": translate, "cutout": cutout}


@keras.saving.register_keras_serializable(package="kerasgan")
class DiffAugment:
    """DiffAugment (Zhao et al. 2020): the same random, differentiable augmentation of
    real and fake images every time the discriminator sees them, in both phases, so D
    cannot overfit a small dataset and G still gets gradients through it.

    Images are `(batch, height, width, channels)`; randomness comes from the
    `keras.random.SeedGenerator` passed in (the GAN's own), so it is jit-safe.

    Args:
        policy: a subset of `("color", "translation", "cutout")`, in order, or a
            comma-separated string such as `"color,translation,cutout"`.

    Example:

    ```python
    gan.compile(..., augment="color,translation,cutout")
    ```

    Paper: https://arxiv.org/abs/2006.10738
    """

    def __init__(self, policy=POLICIES):
        if isinstance(policy, str):
            policy = [p.strip() for p in policy.split(",") if p.strip()]
        unknown = [p for p in policy if p not in _TRANSFORMS]
        if unknown or not policy:
            raise ValueError(
                f"Unknown or empty DiffAugment policy {list(policy)}; choose from "
                f"{', '.join(POLICIES)}."
            )
        self.policy = tuple(policy)

    def __call__(self, images, seed):
        images = ops.convert_to_tensor(images)
        if len(images.shape) != 4:
            raise ValueError(
                f"DiffAugment augments images (batch, height, width, channels); got "
                f"inputs of shape {images.shape}."
            )
        for name in self.policy:
            images = _TRANSFORMS[name](images, seed)
        return images

    def get_config(self):
        return {"policy": ",".join(self.policy)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
