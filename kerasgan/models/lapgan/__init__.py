"""LAPGAN: a Laplacian pyramid of conditional GANs (Denton et al. 2015)."""
