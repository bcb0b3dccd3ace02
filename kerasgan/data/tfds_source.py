"""Any TensorFlow Datasets dataset, by name: "tfds:<name>" (e.g. "tfds:celeb_a")."""

from kerasgan.backend.tf_data import tensorflow_datasets
from kerasgan.data import pipeline

PREFIX = "tfds:"
# tfds datasets whose splits are domains: trainA/trainB, testA/testB.
UNPAIRED_FAMILIES = ("cycle_gan",)


def open_split(request, dataset_name):
    """A tfds split as a stream of fitted images (and labels when there is a class label).

    The dataset is downloaded and prepared into `data_dir` (tfds' default
    `~/tensorflow_datasets` when None) the first time, as `tfds.load` does.

    Args:
        request: the `load()` arguments; `image_key`/`label_key` pick features when
            detection is ambiguous.
        dataset_name: the tfds name, optionally with a version ("mnist:3.0.1").

    Returns:
        A `StreamSplit`; for "cycle_gan/<name>" with split "train" or "test", an
        `UnpairedSplit` of its A and B splits.
    """
    tfds = tensorflow_datasets()
    builder = _builder(tfds, dataset_name, request.data_dir)
    if is_unpaired(dataset_name, request.split):
        return pipeline.UnpairedSplit(
            *(
                _image_stream(tfds, builder, request, dataset_name, split)
                for split in domain_splits(request.split)
            )
        )
    return _image_stream(tfds, builder, request, dataset_name, request.split, True)


def is_unpaired(dataset_name, split):
    """Whether a split name asks for both domains of a CycleGAN dataset.

    "tfds:cycle_gan/<name>" stores its domains as the splits trainA, trainB, testA
    and testB; split "train" (or "test") loads the pair of them as
    `(domain_a, domain_b)` batches, while "trainA" still loads one domain.
    """
    family = dataset_name.split("/")[0].split(":")[0]
    return family in UNPAIRED_FAMILIES and split.partition("[")[0] in ("train", "test")


def domain_splits(split):
    """The A and B split strings of a split: "train[:10%]" → "trainA[:10%]", ..."""
    base, bracket, rest = split.partition("[")
    return tuple(f"{base}{domain}{bracket}{rest}" for domain in "AB")


def _image_stream(tfds, builder, request, dataset_name, split, with_labels=False):
    """A `StreamSplit` of one tfds split's fitted images (and labels if asked)."""
    tf = pipeline.tensorflow()
    features = builder.info.features
    image_key = request.image_key or _detect_image_key(tfds, features, dataset_name)
    _check_key(features, image_key, "image_key", dataset_name)
    label_key = request.label_key or _detect_label_key(tfds, features)
    if label_key is not None:
        _check_key(features, label_key, "label_key", dataset_name)
    _check_fixed_size(features[image_key].shape, request.image_size, dataset_name)
    examples = _read(tfds, builder, request, dataset_name, split)

    def fit(example):
        images = pipeline.fit_images(
            example[image_key], request.image_size, request.channels
        )
        if label_key is None or not with_labels:
            return images
        return images, tf.cast(example[label_key], tf.int32)

    return pipeline.StreamSplit(examples.map(fit, num_parallel_calls=tf.data.AUTOTUNE))


def _builder(tfds, dataset_name, data_dir):
    try:
        return tfds.builder(dataset_name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(
            f"TensorFlow Datasets has no dataset {dataset_name!r}. Names are listed by "
            "tfds.list_builders() and at https://www.tensorflow.org/datasets/catalog."
        ) from error


def _read(tfds, builder, request, dataset_name, split):
    try:
        builder.download_and_prepare()
        return builder.as_dataset(
            split=split,
            shuffle_files=request.shuffle,
            read_config=tfds.ReadConfig(shuffle_seed=request.seed),
        )
    except ModuleNotFoundError as error:
        raise ImportError(
            f"TensorFlow Datasets needs {error.name!r} to prepare {dataset_name!r} but "
            f"does not declare it (tensorflow/datasets#11212): pip install {error.name}."
        ) from error
    except Exception as error:
        # tfds raises many error types (network, missing files, bad split names);
        # all get the same context and keep their cause.
        raise RuntimeError(
            f"TensorFlow Datasets could not read {dataset_name!r} split "
            f"{split!r} (data_dir={request.data_dir!r}): {error}. Fix: check "
            "the split name, and either run once with internet access to download and "
            "prepare it, or pass data_dir=<folder where it was prepared>."
        ) from error


def _detect_image_key(tfds, features, dataset_name):
    keys = [
        key
        for key, feature in features.items()
        if isinstance(feature, tfds.features.Image)
    ]
    if len(keys) == 1:
        return keys[0]
    if "image" in keys:
        return "image"
    raise ValueError(
        f"Cannot tell which feature of {dataset_name!r} holds the images: image "
        f"features {keys}, all features {list(features.keys())}. Pass image_key=<name>."
    )


def _detect_label_key(tfds, features):
    """The class-label feature: the only one, or "label"; else None (no labels)."""
    keys = [
        key
        for key, feature in features.items()
        if isinstance(feature, tfds.features.ClassLabel)
    ]
    if len(keys) == 1:
        return keys[0]
    return "label" if "label" in keys else None


def _check_key(features, key, argument, dataset_name):
    if key not in features.keys():
        raise ValueError(
            f"{argument}={key!r} is not a feature of {dataset_name!r}; its features "
            f"are {list(features.keys())}."
        )


def _check_fixed_size(shape, image_size, dataset_name):
    if image_size is None and None in tuple(shape)[:2]:
        raise ValueError(
            f"The images of {dataset_name!r} vary in size (shape {tuple(shape)}) and "
            "cannot be batched as they are. Pass image_size=<side> or (height, width)."
        )
