from kerasgan.models.acgan.acgan import ACGAN
