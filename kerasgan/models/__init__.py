"""GAN variants, one folder each, listed in `kerasgan.models.registry`."""

from kerasgan.models import registry
from kerasgan.models.acgan.acgan import ACGAN
from kerasgan.models.adversarial_autoencoder.adversarial_autoencoder import AdversarialAutoencoder
from kerasgan.models.conditional_gan.conditional_gan import ConditionalGAN
from kerasgan.models.cycle_gan.cycle_gan import CycleGAN
from kerasgan.models.cycle_gan.resnet_generator import ResNetGenerator
from kerasgan.models.dcgan.dcgan import DCGAN
from kerasgan.models.lsgan.lsgan import LSGAN
from kerasgan.models.network_gan import NetworkGAN
from kerasgan.models.pix2pix.patch_discriminator import PatchDiscriminator
from kerasgan.models.pix2pix.pix2pix import Pix2Pix
from kerasgan.models.pix2pix.unet_generator import UNetGenerator
from kerasgan.models.sagan.sagan import SAGAN
from kerasgan.models.sngan.sngan import SNGAN
from kerasgan.models.srgan.srgan import SRGAN
from kerasgan.models.vanilla_gan.vanilla_gan import VanillaGAN
from kerasgan.models.wgan.wgan import WGAN
from kerasgan.models.wgan_gp.wgan_gp import WGANGP
from kerasgan.models.networks import ConvDiscriminator
from kerasgan.models.networks import ConvGenerator
from kerasgan.models.networks import MLPDiscriminator
from kerasgan.models.networks import MLPGenerator
from kerasgan.models.networks import MultiScaleDiscriminator
from kerasgan.models.srgan.sr_discriminator import SRDiscriminator
from kerasgan.models.srgan.srresnet_generator import SRResNetGenerator
