"""Evaluation metrics."""

from kerasgan.metrics.toy import mode_statistics
