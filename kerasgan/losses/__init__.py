"""Adversarial losses (discriminator/generator pairs), penalties and regularizers."""

from kerasgan.losses.adversarial import ADVERSARIAL_LOSSES
from kerasgan.losses.adversarial import AdversarialLoss
from kerasgan.losses.adversarial import Hinge
from kerasgan.losses.adversarial import LeastSquares
from kerasgan.losses.adversarial import Minimax
from kerasgan.losses.adversarial import NonSaturating
from kerasgan.losses.adversarial import Wasserstein
from kerasgan.losses.adversarial import WassersteinDrift
from kerasgan.losses.adversarial import get
from kerasgan.losses.penalties import PENALTIES
from kerasgan.losses.penalties import GradientPenalty
from kerasgan.losses.penalties import R1Penalty
from kerasgan.losses.penalties import get_penalty
from kerasgan.losses.regularizer import DiscriminatorPenalty
from kerasgan.losses.regularizer import GeneratorRegularizer
from kerasgan.losses.regularizer import Regularizer
from kerasgan.losses.regularizer import WeightRegularizer
from kerasgan.losses.regularizers import REGULARIZERS
from kerasgan.losses.regularizers import ModeSeeking
from kerasgan.losses.regularizers import OrthogonalRegularization
from kerasgan.losses.regularizers import PathLengthPenalty
from kerasgan.losses.regularizers import get_regularizer
