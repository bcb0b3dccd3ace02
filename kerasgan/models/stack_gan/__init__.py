"""StackGAN: text to image in two stages (Zhang et al. 2017)."""
