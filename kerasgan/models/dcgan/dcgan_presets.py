"""DCGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION

RECIPES = {
    # 20 epochs, as Lucic et al. 2018 train on Fashion-MNIST (their Table 2 is the
    # zoo's reference); 4 epochs gave Inception FID 42.7 at N=10,000 vs test.
    "dcgan_fashion_mnist": dict(variant="dcgan", epochs=20, **FASHION),
    "dcgan_mnist5k": dict(variant="dcgan", dataset="mnist-5k", epochs=40, batch_size=64),
}
