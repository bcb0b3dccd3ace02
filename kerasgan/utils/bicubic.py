"""Bicubic resizing as MATLAB's `imresize` does it, in NumPy: the SR papers' protocol.

SRCNN, SRGAN, EDSR and their benchmarks (Set5, Set14, DIV2K) make low-resolution
images with MATLAB's `imresize(hr, 1/scale, 'bicubic')`: the Keys cubic kernel
(a = -0.5), widened by the scale when shrinking (antialiasing), with mirrored borders.
Every backend gets the same numbers because this runs in NumPy, as a pair of
matrix products per image (rows, then columns).
"""

import functools

import numpy as np

# Keys (1981) cubic convolution with a = -0.5, the kernel of MATLAB's 'bicubic'.
_KERNEL_WIDTH = 4.0
# Images per einsum: bounds the float64 temporaries to a few tens of MB.
_CHUNK = 2048


def cubic(x):
    """The Keys cubic kernel (a = -0.5) at `x`."""
    absx = np.abs(x)
    absx2 = absx**2
    absx3 = absx**3
    near = (1.5 * absx3 - 2.5 * absx2 + 1) * (absx <= 1)
    far = (-0.5 * absx3 + 2.5 * absx2 - 4 * absx + 2) * ((absx > 1) & (absx <= 2))
    return near + far


@functools.lru_cache(maxsize=64)
def resize_matrix(in_length, out_length):
    """The `(out_length, in_length)` matrix of MATLAB's bicubic `imresize` on one axis.

    Follows MATLAB's `contributions()`: output pixel i (1-based) samples the input at
    `u = i / scale + 0.5 (1 - 1/scale)`; when shrinking the kernel is stretched by
    1/scale (antialiasing); indices outside the image are mirrored
    (`[1, 2, ..., n, n, ..., 1]`); each row of weights sums to 1.

    Args:
        in_length: pixels along the axis before resizing.
        out_length: pixels after.

    Returns:
        A read-only float64 NumPy matrix.
    """
    scale = out_length / in_length
    if scale < 1:
        kernel = lambda x: scale * cubic(scale * x)
        width = _KERNEL_WIDTH / scale
    else:
        kernel = cubic
        width = _KERNEL_WIDTH
    positions = np.arange(1, out_length + 1, dtype="float64")
    centres = positions / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(centres - width / 2)
    taps = int(np.ceil(width)) + 2
    indices = left[:, None] + np.arange(taps)[None, :]
    weights = kernel(centres[:, None] - indices)
    weights /= weights.sum(axis=1, keepdims=True)
    mirrored = np.concatenate([np.arange(in_length), np.arange(in_length)[::-1]])
    columns = mirrored[np.mod(indices.astype(int) - 1, 2 * in_length)]
    matrix = np.zeros((out_length, in_length))
    rows = np.repeat(np.arange(out_length), taps)
    np.add.at(matrix, (rows, columns.ravel()), weights.ravel())
    matrix.flags.writeable = False
    return matrix


def resize(images, size):
    """Resizes NHWC images with MATLAB's bicubic `imresize`.

    uint8 images come back as uint8, rounded and clipped as MATLAB does; float images
    come back as float32, unclipped (bicubic overshoots a little at sharp edges).

    Args:
        images: `(n, height, width, channels)` uint8 or float array.
        size: `(height, width)` after resizing.

    Returns:
        The resized images, `(n, *size, channels)`.
    """
    images = np.asarray(images)
    rows = resize_matrix(images.shape[1], size[0])
    columns = resize_matrix(images.shape[2], size[1])
    chunks = [
        np.einsum(
            "hH,nHWc,wW->nhwc",
            rows,
            images[start : start + _CHUNK],
            columns,
            optimize=True,
        )
        for start in range(0, len(images), _CHUNK)
    ]
    resized = np.concatenate(chunks) if chunks else np.zeros((0, *size, images.shape[3]))
    if images.dtype == np.uint8:
        return np.clip(np.round(resized), 0, 255).astype(np.uint8)
    return resized.astype("float32")


def check_scale(image_size, scale, what):
    """Raises a ValueError naming the fix when `scale` does not divide `image_size`.

    Args:
        image_size: `(height, width)` of the high-resolution images.
        scale: the super-resolution factor.
        what: what the size belongs to, for the message ("image_size", "the images").
    """
    if not (isinstance(scale, (int, np.integer)) and scale >= 1):
        raise ValueError(f"The scale must be a positive integer; got {scale!r}.")
    bad = [side for side in image_size if side % scale]
    if bad:
        fitting = tuple(side // scale * scale for side in image_size)
        raise ValueError(
            f"The scale {scale} does not divide {what} {tuple(image_size)} "
            f"(height, width): {bad[0]} is not a multiple of {scale}. Use a size that "
            f"is, e.g. {fitting}, or crop the images to it."
        )


def downscale(images, scale):
    """Shrinks NHWC images by an integer `scale` (MATLAB bicubic, antialiased).

    Args:
        images: `(n, height, width, channels)`; height and width multiples of `scale`.
        scale: the factor, e.g. 4.

    Returns:
        `(n, height / scale, width / scale, channels)`, uint8 for uint8 input.

    Example:

    ```python
    low_res = downscale(high_res_uint8, 4)   # (n, 32, 32, 1) -> (n, 8, 8, 1)
    ```
    """
    height, width = np.shape(images)[1:3]
    check_scale((height, width), scale, "the images' size")
    return resize(images, (height // scale, width // scale))


def upscale(images, scale):
    """Enlarges NHWC images by an integer `scale` (MATLAB bicubic): the SR baseline.

    Args:
        images: `(n, height, width, channels)`.
        scale: the factor, e.g. 4.

    Returns:
        `(n, height · scale, width · scale, channels)`, uint8 for uint8 input.
    """
    if not (isinstance(scale, (int, np.integer)) and scale >= 1):
        raise ValueError(f"The scale must be a positive integer; got {scale!r}.")
    height, width = np.shape(images)[1:3]
    return resize(images, (height * scale, width * scale))
