"""BigGAN (Brock et al. 2019)."""
