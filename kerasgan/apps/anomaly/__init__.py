"""Anomaly detection with GANs trained on normal data only (docs/apps/anomaly.md)."""

from kerasgan.apps.anomaly.anomaly_detector import METHODS
from kerasgan.apps.anomaly.anomaly_detector import AnomalyDetector
from kerasgan.apps.anomaly.anomaly_model import AnomalyModel
from kerasgan.apps.anomaly.conv_encoder import ConvEncoder
from kerasgan.apps.anomaly.f_anogan import FAnoGAN
from kerasgan.apps.anomaly.ganomaly import GANomaly
