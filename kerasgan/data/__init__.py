"""Datasets: shipped, Fashion-MNIST, keras.datasets, tfds, image folders, toy 2-D sets,
and image-to-image pairs (edges2fashion, sneaker2boot, fashion-mnist-sr4, photos-sr4,
paired and unpaired folders, tfds cycle_gan).

`load()` gives a tf.data pipeline that feeds `fit()` on every backend;
`load_numpy()` gives arrays; `list()` describes every dataset. TensorFlow is
imported only when a dataset is loaded.
"""

from kerasgan.data.folder import folder_class_names
from kerasgan.data.loading import load
from kerasgan.data.loading import load_numpy
from kerasgan.data.registry import DatasetInfo
from kerasgan.data.registry import list_datasets
from kerasgan.data.toy import SwissRoll
from kerasgan.data.toy import ToyMixture
from kerasgan.data.toy import grid25
from kerasgan.data.toy import ring8
from kerasgan.data.toy import swissroll
from kerasgan.data.toy import toy_mixture

# `kerasgan.data.list()`, as the datasets issue names it; defined under another name
# so that no module shadows the builtin `list`.
list = list_datasets

__all__ = [
    "DatasetInfo",
    "SwissRoll",
    "ToyMixture",
    "folder_class_names",
    "grid25",
    "list",
    "list_datasets",
    "load",
    "load_numpy",
    "ring8",
    "swissroll",
    "toy_mixture",
]
