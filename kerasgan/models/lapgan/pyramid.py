"""Laplacian pyramids in `keras.ops`: decompose images into band-pass residuals and back.

The operators, chosen so that every backend computes the same numbers with plain ops:

- `downsample`: 2×2 average pooling, a box blur and a decimation by 2 in one step
  (the paper's d(·) "blurs and decimates"; a box keeps each coarse pixel the mean of
  the four fine pixels it covers, so a coarse image stays in the data range).
- `upsample`: bilinear ×2 with half-pixel centres and clamped borders (each fine
  pixel is 3/4 of its coarse pixel and 1/4 of the nearest neighbour along each
  axis), the paper's u(·), "smoothing and upsampling".

A pyramid of `levels` levels of an image I (sides divisible by 2**(levels-1)) is,
coarsest first, `[I_0, h_1, ..., h_{L-1}]` with the Gaussian images
`I_{L-1} = I`, `I_{k-1} = downsample(I_k)` and the band-pass residuals
`h_k = I_k - upsample(I_{k-1})`. Reconstruction runs the recurrence
`I_k = upsample(I_{k-1}) + h_k` from the coarse image: it is exact by construction
of the residuals whatever the two operators are (up to float32 rounding, ~1e-7).
"""

from keras import ops


def check_levels(data_shape, levels):
    """Validates `levels` for images of `data_shape`; returns the level shapes, coarsest first.

    Raises:
        ValueError: `levels` is not a positive integer, `data_shape` is not
            `(height, width, channels)`, or the sides are not divisible by
            `2**(levels-1)` (each level halves them).
    """
    if isinstance(levels, bool) or int(levels) != levels or levels < 1:
        raise ValueError(f"levels must be a positive integer; got {levels!r}.")
    levels = int(levels)
    data_shape = tuple(int(d) for d in data_shape)
    if len(data_shape) != 3 or min(data_shape) < 1:
        raise ValueError(
            f"A Laplacian pyramid is built over images: data_shape must be (height, "
            f"width, channels); got {data_shape}."
        )
    height, width, channels = data_shape
    factor = 2 ** (levels - 1)
    if height % factor or width % factor:
        raise ValueError(
            f"data_shape {data_shape} cannot make a pyramid of {levels} levels: each "
            f"level halves the sides, so they must be divisible by 2**(levels-1) = "
            f"{factor}. Pad or resize the images (e.g. kerasgan.data.load(..., "
            f"image_size=32) pads Fashion-MNIST to 32×32) or use fewer levels."
        )
    return [(height // 2 ** (levels - 1 - k), width // 2 ** (levels - 1 - k), channels)
            for k in range(levels)]


def downsample(images):
    """2×2 average pooling: `(n, h, w, c)` → `(n, h/2, w/2, c)` (h and w even)."""
    images = ops.convert_to_tensor(images)
    _, height, width, channels = ops.shape(images)
    blocks = ops.reshape(images, (-1, height // 2, 2, width // 2, 2, channels))
    return ops.mean(blocks, axis=(2, 4))


def _part(x, axis, start, stop):
    index = [slice(None)] * 4
    index[axis] = slice(start, stop)
    return x[tuple(index)]


def _upsample_axis(x, axis):
    """Bilinear ×2 along `axis` (1 or 2) with half-pixel centres and clamped borders."""
    length = ops.shape(x)[axis]
    before = ops.concatenate([_part(x, axis, 0, 1), _part(x, axis, 0, length - 1)], axis)
    after = ops.concatenate([_part(x, axis, 1, length), _part(x, axis, length - 1, length)],
                            axis)
    even = 0.75 * x + 0.25 * before
    odd = 0.75 * x + 0.25 * after
    # Interleave: [e0, o0, e1, o1, ...] along `axis`.
    joined = ops.stack([even, odd], axis=axis + 1)
    shape = list(ops.shape(x))
    shape[0] = -1
    shape[axis] = 2 * length
    return ops.reshape(joined, shape)


def upsample(images):
    """Bilinear ×2 upsampling: `(n, h, w, c)` → `(n, 2h, 2w, c)`."""
    images = ops.convert_to_tensor(images)
    return _upsample_axis(_upsample_axis(images, 1), 2)


def gaussian_pyramid(images, levels):
    """`[I_0, ..., I_{L-1}]`, coarsest first: `I_{L-1}` the images, each coarser one
    `downsample` of the next."""
    pyramid = [ops.convert_to_tensor(images)]
    for _ in range(levels - 1):
        pyramid.insert(0, downsample(pyramid[0]))
    return pyramid


def laplacian_pyramid(images, levels):
    """`[I_0, h_1, ..., h_{L-1}]`: the coarsest image, then the band-pass residuals
    `h_k = I_k - upsample(I_{k-1})`, coarsest first.

    Example:

    ```python
    pyramid = laplacian_pyramid(images, 3)   # (n, 8, 8, 1), (n, 16, 16, 1), (n, 32, 32, 1)
    reconstruct(pyramid)                     # images, to float32 rounding
    ```
    """
    gaussian = gaussian_pyramid(images, levels)
    return [gaussian[0]] + [
        fine - upsample(coarse) for coarse, fine in zip(gaussian[:-1], gaussian[1:])
    ]


def reconstruct(pyramid):
    """The image of a Laplacian pyramid: `I_k = upsample(I_{k-1}) + h_k` from `I_0`."""
    image = ops.convert_to_tensor(pyramid[0])
    for residual in pyramid[1:]:
        image = upsample(image) + ops.convert_to_tensor(residual)
    return image
