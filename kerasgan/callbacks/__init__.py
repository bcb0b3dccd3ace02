"""fit()-compatible callbacks."""

from kerasgan.callbacks.sample_grid import SampleGrid
