from kerasgan.models.sngan.sngan import SNGAN
