"""The adversarial autoencoder (Makhzani et al. 2016) and its semi-supervised variant."""

from kerasgan.models.adversarial_autoencoder.adversarial_autoencoder import AdversarialAutoencoder
from kerasgan.models.adversarial_autoencoder.semi_supervised_aae import SemiSupervisedAAE
