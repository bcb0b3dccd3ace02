"""GAN variants, one folder each."""

from kerasgan.models.dcgan.dcgan import DCGAN
from kerasgan.models.vanilla_gan.vanilla_gan import VanillaGAN
