"""Streaming feature extraction from arrays, datasets and GANs."""

import numpy as np

from kerasgan.engine.protocols import DataToData
from kerasgan.engine.protocols import LatentToData
from kerasgan.metrics import extractors
from kerasgan.utils.labels import fixed_labels


def _as_numpy(batch):
    if isinstance(batch, (tuple, list)):
        batch = batch[0]  # (images, labels): the images
    if hasattr(batch, "numpy"):
        batch = batch.numpy()
    return np.asarray(batch, "float32")


def _gan_batches(gan, num_samples, batch_size, seed):
    latents = gan.latents_for(num_samples, seed)
    labels = fixed_labels(gan, num_samples)
    for start in range(0, num_samples, batch_size):
        chunk = None if labels is None else labels[start : start + batch_size]
        yield gan.generate_from_latents(
            latents[start : start + batch_size], labels=chunk, batch_size=batch_size
        )


def image_batches(source, batch_size, num_samples=None, seed=0):
    """Batches of float32 images in [-1, 1] from any image source.

    Args:
        source: a NumPy array, a latent-to-data model (a
            `kerasgan.engine.LatentToData` such as any GAN: samples from `generate`),
            or an iterable of batches such as a `tf.data.Dataset` (`(images,
            labels)` elements give their images). A data-to-data model is refused:
            pass its outputs, `model.translate(inputs)`.
        batch_size: images per batch (for arrays and GANs).
        num_samples: stop after this many images; a GAN needs it.
        seed: the GAN's latent seed.

    Yields:
        NumPy batches; only one batch of images is held at a time.
    """
    if isinstance(source, LatentToData):
        if num_samples is None:
            raise ValueError("Sampling a GAN needs num_samples.")
        yield from _gan_batches(source, int(num_samples), batch_size, seed)
        return
    if isinstance(source, DataToData):
        raise TypeError(
            f"{type(source).__name__} maps inputs to outputs (a DataToData model) and "
            "cannot be sampled on its own: measure its outputs, e.g. "
            "extract(extractor, model.translate(inputs))."
        )
    if isinstance(source, np.ndarray):
        source = source[:num_samples]
        for start in range(0, len(source), batch_size):
            yield np.asarray(source[start : start + batch_size], "float32")
        return
    seen = 0
    iterator = (
        source.as_numpy_iterator() if hasattr(source, "as_numpy_iterator") else source
    )
    for batch in iterator:
        batch = _as_numpy(batch)
        if num_samples is not None:
            batch = batch[: num_samples - seen]
        seen += len(batch)
        yield batch
        if num_samples is not None and seen >= num_samples:
            return


def extract(extractor, source, num_samples=None, seed=0):
    """Features (and logits) of every image of `source`, batch by batch.

    Images are never all in memory: only their features (`n × d` floats) are kept.

    Args:
        extractor: a name ("inception", "mnist", "fashion-mnist") or a
            `FeatureExtractor`.
        source: see `image_batches`.
        num_samples: how many images to use (all of an array or dataset when None).
        seed: latent seed when `source` is a GAN.

    Returns:
        A dict: `features` `(n, d)` float32, `logits` when the extractor is a
        classifier.
    """
    extractor = extractors.get_extractor(extractor)
    outputs = {}
    for batch in image_batches(source, extractor.batch_size, num_samples, seed):
        for start in range(0, len(batch), extractor.batch_size):
            for key, value in extractor(
                batch[start : start + extractor.batch_size]
            ).items():
                outputs.setdefault(key, []).append(value)
    if not outputs:
        raise ValueError("The image source gave no images.")
    return {key: np.concatenate(values) for key, values in outputs.items()}
