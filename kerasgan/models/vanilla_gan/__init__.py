from kerasgan.models.vanilla_gan.vanilla_gan import VanillaGAN
