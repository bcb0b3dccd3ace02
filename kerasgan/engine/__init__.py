"""The GAN engine: a `keras.Model` whose `train_step` runs phases on every backend."""

from kerasgan.engine.gan import GAN
from kerasgan.engine.gan import Phase
from kerasgan.engine.optimizer import GANOptimizer
