from kerasgan.models.lsgan.lsgan import LSGAN
