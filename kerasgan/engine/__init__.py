"""The engine: `AdversarialModel` (named networks, optimizers, phases) and `GAN`."""

from kerasgan.engine.data_spec import DataSpec
from kerasgan.engine.gan import GAN
from kerasgan.engine.model import AdversarialModel
from kerasgan.engine.optimizer import GANOptimizer
from kerasgan.engine.phase import Phase
from kerasgan.engine.protocols import DataToData
from kerasgan.engine.protocols import LatentToData
from kerasgan.engine.regularize import Regularize
from kerasgan.engine import schedules
from kerasgan.engine.stages import Stage, fit_stages
