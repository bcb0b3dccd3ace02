"""kerasgan: generative adversarial networks for Keras 3 on TensorFlow, JAX and PyTorch."""

# First, before Keras imports TensorFlow (on the TensorFlow backend, or tf.data on
# any): TensorFlow's C++ log lines would otherwise fill every command's output.
from kerasgan import tf_logs

tf_logs.quiet_tensorflow_logs()

from kerasgan import apps
from kerasgan import backend
from kerasgan import callbacks
from kerasgan import data
from kerasgan import export
from kerasgan import losses
from kerasgan import metrics
from kerasgan import models
from kerasgan import zoo
from kerasgan.engine import AdversarialModel
from kerasgan.engine import DataSpec
from kerasgan.engine import GAN
from kerasgan.engine import GANOptimizer
from kerasgan.engine import Phase
from kerasgan.engine import Regularize
from kerasgan.version import __version__
