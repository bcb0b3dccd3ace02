from kerasgan.models.sagan.sagan import SAGAN
