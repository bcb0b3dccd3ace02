"""Pix2Pix: paired image-to-image translation (Isola et al. 2017)."""
