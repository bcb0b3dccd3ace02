from kerasgan.models.pro_gan.pro_gan import ProGAN
from kerasgan.models.pro_gan.pro_gan_discriminator import ProGANDiscriminator
from kerasgan.models.pro_gan.pro_gan_generator import ProGANGenerator
