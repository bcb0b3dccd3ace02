"""fit()-compatible callbacks."""

from kerasgan.callbacks.ema import GeneratorEMA
from kerasgan.callbacks.interpolation import LatentInterpolation
from kerasgan.callbacks.loss_plot import LossPlot
from kerasgan.callbacks.metrics import Metrics
from kerasgan.callbacks.mode_collapse import ModeCollapseAlarm
from kerasgan.callbacks.sample_grid import SampleGrid
from kerasgan.engine.validation import NonFiniteLossGuard
