"""PSNR and SSIM in `keras.ops`, with the super-resolution papers' protocol.

Both equal scikit-image's `peak_signal_noise_ratio` and `structural_similarity`
(Gaussian 11×11 window, σ = 1.5, population covariances: Wang et al. 2004, the
setting the SR papers' MATLAB code uses) to 1e-4 on every backend
(`tests/test_image_metrics.py`). They take batches and give one value per image, as
the papers average per-image values.

The SR protocol (SRCNN, SRGAN, EDSR): RGB images are compared on their luma, Y of
ITU-R BT.601 on the 0–255 scale (`16 + 65.481 R + 128.553 G + 24.966 B` with RGB in
[0, 1], MATLAB's `rgb2ycbcr`), after cropping `scale` pixels from every border.
"""

import keras
import numpy as np

# MATLAB rgb2ycbcr (ITU-R BT.601, studio swing) for RGB in [0, 1]: Y in [16, 235].
Y_WEIGHTS = (65.481, 128.553, 24.966)
Y_OFFSET = 16.0
Y_DATA_RANGE = 255.0
# SSIM of Wang et al. 2004: Gaussian window σ 1.5, truncated at 3.5σ (radius 5, as
# scipy's gaussian_filter in scikit-image), K1 = 0.01, K2 = 0.03.
SSIM_SIGMA = 1.5
SSIM_RADIUS = 5
SSIM_K1 = 0.01
SSIM_K2 = 0.03


def rgb_to_y(images):
    """Luma (ITU-R BT.601, MATLAB's `rgb2ycbcr`) of RGB images in [-1, 1].

    Args:
        images: `(..., 3)` RGB values in [-1, 1].

    Returns:
        `(..., 1)` Y on the 0–255 scale, in [16, 235].

    Example:

    ```python
    y = rgb_to_y(np.ones((1, 8, 8, 3), "float32"))   # 235 everywhere
    ```
    """
    images = keras.ops.convert_to_tensor(images, "float32")
    unit = (images + 1.0) / 2.0
    weights = keras.ops.convert_to_tensor(Y_WEIGHTS, "float32")
    return Y_OFFSET + keras.ops.sum(unit * weights, axis=-1, keepdims=True)


def psnr(images, references, data_range=2.0, crop_border=0, y_channel=False):
    """Peak signal-to-noise ratio of each image against its reference, in dB.

    Args:
        images: `(n, height, width, channels)` (or one `(height, width, channels)`).
        references: the ground truth, same shape.
        data_range: the span of the values: 2.0 for images in [-1, 1].
        crop_border: pixels removed from every border first (the SR scale).
        y_channel: compare the BT.601 luma on the 0–255 scale (inputs in [-1, 1];
            single-channel images are taken as luma already). `data_range` is then
            255.

    Returns:
        `(n,)` float32 tensor; identical images give inf.

    Example:

    ```python
    values = psnr(upscaled, high_res, crop_border=4, y_channel=True)
    print(float(keras.ops.mean(values)))
    ```
    """
    images, references, data_range = _prepare(
        images, references, data_range, crop_border, y_channel, minimum_side=1
    )
    error = keras.ops.mean(keras.ops.square(images - references), axis=(1, 2, 3))
    return 10.0 * keras.ops.log10(data_range**2 / error)


def ssim(images, references, data_range=2.0, crop_border=0, y_channel=False):
    """Structural similarity of each image with its reference (Wang et al. 2004).

    Gaussian 11×11 window with σ 1.5 and population covariances: scikit-image's
    `structural_similarity(..., gaussian_weights=True, sigma=1.5,
    use_sample_covariance=False, channel_axis=-1)`, the setting of the SR papers.
    Colour images average their channels' SSIM.

    Args:
        images: `(n, height, width, channels)` (or one `(height, width, channels)`),
            at least 11×11 after cropping.
        references: the ground truth, same shape.
        data_range: the span of the values: 2.0 for images in [-1, 1].
        crop_border: pixels removed from every border first (the SR scale).
        y_channel: compare the BT.601 luma on the 0–255 scale (see `psnr`).

    Returns:
        `(n,)` float32 tensor in [-1, 1].

    Example:

    ```python
    values = ssim(upscaled, high_res, crop_border=4, y_channel=True)
    ```
    """
    images, references, data_range = _prepare(
        images, references, data_range, crop_border, y_channel, 2 * SSIM_RADIUS + 1
    )
    c1 = (SSIM_K1 * data_range) ** 2
    c2 = (SSIM_K2 * data_range) ** 2
    mean_x = _gaussian_filter(images)
    mean_y = _gaussian_filter(references)
    # Variances from centred values: E[x²] − E[x]² in float32 on the 0–255 scale
    # would lose ~1e-3 to cancellation; centring each image first keeps 1e-6.
    centred_x = images - keras.ops.mean(images, axis=(1, 2), keepdims=True)
    centred_y = references - keras.ops.mean(references, axis=(1, 2), keepdims=True)
    local_x = _gaussian_filter(centred_x)
    local_y = _gaussian_filter(centred_y)
    variance_x = _gaussian_filter(centred_x * centred_x) - local_x * local_x
    variance_y = _gaussian_filter(centred_y * centred_y) - local_y * local_y
    covariance = _gaussian_filter(centred_x * centred_y) - local_x * local_y
    similarity = ((2 * mean_x * mean_y + c1) * (2 * covariance + c2)) / (
        (mean_x * mean_x + mean_y * mean_y + c1) * (variance_x + variance_y + c2)
    )
    return keras.ops.mean(similarity, axis=(1, 2, 3))


def gaussian_window():
    """The 1-D SSIM window: 11 taps, σ 1.5, summing to 1 (float64 NumPy)."""
    offsets = np.arange(-SSIM_RADIUS, SSIM_RADIUS + 1, dtype="float64")
    weights = np.exp(-0.5 * (offsets / SSIM_SIGMA) ** 2)
    return weights / weights.sum()


def _gaussian_filter(images):
    """'valid' Gaussian filtering of every channel on its own (separable)."""
    batch, height, width, channels = keras.ops.shape(images)
    planes = keras.ops.reshape(
        keras.ops.transpose(images, (0, 3, 1, 2)), (-1, height, width, 1)
    )
    window = keras.ops.convert_to_tensor(gaussian_window(), "float32")
    planes = keras.ops.conv(planes, keras.ops.reshape(window, (-1, 1, 1, 1)))
    planes = keras.ops.conv(planes, keras.ops.reshape(window, (1, -1, 1, 1)))
    filtered = keras.ops.reshape(
        planes, (-1, channels, keras.ops.shape(planes)[1], keras.ops.shape(planes)[2])
    )
    return keras.ops.transpose(filtered, (0, 2, 3, 1))


def _prepare(images, references, data_range, crop_border, y_channel, minimum_side):
    """Checked, batched, cropped (and luma) float32 tensors, and the data range."""
    images = keras.ops.convert_to_tensor(images, "float32")
    references = keras.ops.convert_to_tensor(references, "float32")
    shape, reference_shape = tuple(images.shape), tuple(references.shape)
    if shape != reference_shape:
        raise ValueError(
            f"images and references differ in shape: {shape} and {reference_shape}. "
            "Compare each image with its own reference, at the same size."
        )
    if len(shape) == 3:
        images, references = images[None], references[None]
    elif len(shape) != 4:
        raise ValueError(
            f"Expected images (height, width, channels) or a batch of them; got "
            f"shape {shape}."
        )
    images = _crop(images, crop_border, minimum_side)
    references = _crop(references, crop_border, minimum_side)
    if y_channel:
        images, references = _luma(images), _luma(references)
        data_range = Y_DATA_RANGE
    return images, references, float(data_range)


def _crop(images, border, minimum_side):
    if not (isinstance(border, (int, np.integer)) and border >= 0):
        raise ValueError(f"crop_border must be an integer ≥ 0; got {border!r}.")
    height, width = images.shape[1], images.shape[2]
    if min(height, width) - 2 * border < minimum_side:
        raise ValueError(
            f"Images of {height}×{width} cropped by {border} pixels on every side "
            f"leave less than the {minimum_side}×{minimum_side} this metric needs. "
            "Use larger images or a smaller crop_border."
        )
    if border == 0:
        return images
    return images[:, border : height - border, border : width - border, :]


def _luma(images):
    channels = images.shape[-1]
    if channels == 3:
        return rgb_to_y(images)
    if channels == 1:
        # Grayscale images are their own luma; on the same 0–255 scale.
        return (images + 1.0) * 127.5
    raise ValueError(
        f"y_channel needs RGB (3 channels) or grayscale (1) images; got {channels}."
    )


def sharpness_ratio(images, references, crop_border=0, y_channel=False):
    """How sharp images are next to their references: mean |gradient| ratio.

    The mean absolute horizontal and vertical pixel differences of `images`
    divided by those of `references` (per image, then averaged): 1 means as much
    fine detail as the ground truth, bicubic upscaling scores well below 1, and
    SRGAN's texture raises it where PSNR falls. A measure of our own, to show that
    trade-off without human ratings (the paper's MOS); it does not say whether the
    detail is right, which PSNR and SSIM do.

    Args:
        images: `(n, h, w, c)` (or one image) in [-1, 1].
        references: the same shape.
        crop_border: pixels cropped from every border first.
        y_channel: compare the BT.601 luma of RGB images.

    Returns:
        A float32 NumPy array, one ratio per image.
    """
    images, references, _ = _prepare(images, references, 2.0, crop_border, y_channel, 2)
    return keras.ops.convert_to_numpy(_detail(images) / _detail(references))


def _detail(images):
    across = keras.ops.abs(images[:, :, 1:, :] - images[:, :, :-1, :])
    down = keras.ops.abs(images[:, 1:, :, :] - images[:, :-1, :, :])
    return keras.ops.mean(across, axis=(1, 2, 3)) + keras.ops.mean(down, axis=(1, 2, 3))
