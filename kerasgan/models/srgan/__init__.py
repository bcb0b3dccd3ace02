"""SRGAN: photo-realistic single-image super-resolution (Ledig et al. 2017)."""
