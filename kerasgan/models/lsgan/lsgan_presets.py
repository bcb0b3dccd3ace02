"""LSGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    # 20 epochs, Lucic et al. 2018's length on Fashion-MNIST (their Table 2 is the
    # zoo's reference); 6 epochs gave Inception FID 46 at N=10,000 vs test.
    "lsgan_fashion_mnist": dict(variant="lsgan", epochs=20, options=SMALL, **FASHION),
}
