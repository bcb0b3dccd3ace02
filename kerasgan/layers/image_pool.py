"""A history of generated images for the discriminator (Shrivastava et al. 2017).

CycleGAN (Zhu et al. 2017, §4) updates its discriminators "using a history of
generated images rather than the ones produced by the latest generators", which
damps the oscillation of G and D chasing each other.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class ImagePool(keras.layers.Layer):
    """A buffer of the last `pool_size` generated images, as model variables.

    `query(images, seed_generator)` follows the CycleGAN reference code's
    `ImagePool.query`, image by image: while the pool is not full, an image is
    stored and returned as it is; once full, with probability 0.5 a random stored
    image is returned and the new image takes its place, else the new image is
    returned. The batch is processed at once (in `keras.ops`, no Python loop over
    its images) with exactly the result of that sequential loop, including two
    images of a batch picking the same slot.

    The stored images (`images`) and the fill count (`count`) are non-trainable
    variables: on JAX they are part of the state Keras passes through the jitted
    step, and they are saved with the model's weights, so a resumed run continues
    with its history. Random draws come from the `seed_generator` the caller
    passes (the model's), so runs with a seed are reproducible.

    Args:
        pool_size: images kept (50 in CycleGAN); at least 1.
        image_shape: the shape of one image, `(height, width, channels)`.
        **kwargs: base layer arguments (`name`).

    Example:

    ```python
    pool = kerasgan.layers.ImagePool(50, (32, 32, 1))
    seeds = keras.random.SeedGenerator(0)
    for_d = pool.query(fake_images, seeds)  # fakes now, or from earlier steps
    ```
    """

    def __init__(self, pool_size=50, image_shape=(32, 32, 1), **kwargs):
        kwargs["dtype"] = "float32"  # a history of images, not of compute values
        super().__init__(**kwargs)
        if int(pool_size) != pool_size or pool_size < 1:
            raise ValueError(f"pool_size must be a positive integer; got {pool_size!r}.")
        self.pool_size = int(pool_size)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.images = self.add_weight(
            shape=(self.pool_size,) + self.image_shape, initializer="zeros",
            trainable=False, name="images",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )
        self.built = True

    def query(self, images, seed_generator):
        """Images for the discriminator: `images` or stored ones; updates the pool."""
        images = ops.stop_gradient(ops.cast(images, "float32"))
        batch = ops.shape(images)[:1]
        draws = keras.random.uniform(batch, seed=seed_generator)
        slots = keras.random.randint(batch, 0, self.pool_size, seed=seed_generator)
        returned, pool, count = self.swap(images, draws, slots)
        self.images.assign(pool)
        self.count.assign(count)
        return returned

    def swap(self, images, draws, random_slots):
        """The pure update: `(returned images, new pool, new count)`.

        `draws` (uniform in [0, 1)) and `random_slots` (in [0, pool_size)) hold one
        draw per image; image `i` is swapped with the slot `random_slots[i]` when the
        pool is already full at its turn and `draws[i] > 0.5`.
        """
        n = ops.shape(images)[0]
        order = ops.arange(n, dtype="int32")
        position = ops.cast(self.count, "int32") + order
        inserting = position < self.pool_size
        swapping = ops.logical_and(ops.logical_not(inserting), draws > 0.5)
        slot = ops.where(inserting, position, ops.cast(random_slots, "int32"))
        writes = ops.logical_or(inserting, swapping)
        pool = ops.convert_to_tensor(self.images)
        # What image i finds in its slot: the last earlier image of the batch that
        # wrote there, or else what the pool held before this batch.
        same_slot = ops.logical_and(
            ops.equal(slot[:, None], slot[None, :]),
            ops.logical_and(writes[None, :], order[None, :] < order[:, None]),
        )
        written_here, writer = _last_true(same_slot, order)
        found = ops.where(
            self._per_image(written_here),
            ops.take(images, writer, axis=0),
            ops.take(pool, ops.clip(slot, 0, self.pool_size - 1), axis=0),
        )
        returned = ops.where(self._per_image(swapping), found, images)
        # Each slot ends with the last image of the batch that wrote to it.
        slots = ops.arange(self.pool_size, dtype="int32")
        slot_written = ops.logical_and(
            ops.equal(slots[:, None], slot[None, :]), writes[None, :]
        )
        rewritten, last_writer = _last_true(slot_written, order)
        new_pool = ops.where(
            self._per_image(rewritten), ops.take(images, last_writer, axis=0), pool
        )
        new_count = ops.minimum(ops.cast(self.count, "int32") + n, self.pool_size)
        return returned, new_pool, new_count

    def _per_image(self, mask):
        return ops.reshape(mask, (-1,) + (1,) * len(self.image_shape))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size,
                "image_shape": self.image_shape}


def _last_true(mask, order):
    """Per row of `mask`: whether any entry is true, and the largest such column."""
    candidates = ops.where(mask, order[None, :], -1)
    last = ops.maximum(ops.max(candidates, axis=1), 0)
    return ops.any(mask, axis=1), ops.cast(last, "int32")
