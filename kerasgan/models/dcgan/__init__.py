from kerasgan.models.dcgan.dcgan import DCGAN
