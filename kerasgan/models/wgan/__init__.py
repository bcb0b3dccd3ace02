from kerasgan.models.wgan.wgan import WGAN
