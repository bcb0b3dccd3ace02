"""ConditionalGAN's zoo recipes: preset name → `kerasgan.training.train_variant`
arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    # Conditional generators without batch norm (the default since it collapsed
    # them to one image per class), spectral norm and the hinge loss in D.
    # MinibatchStdDev in D, and a shorter EMA: the trained G drew each class, the
    # sandal as one image that changed over training, so the 0.999 average of those
    # generators drew mush (docs/variants/conditional_gan.md, collapse study). 20
    # epochs of the old recipe did not help (sandal 0 %). This recipe at 5 epochs drew
    # every class (worst: shirt 73 %) but with Inception recall 0.001; 20 epochs, the
    # length of the unconditional entries with recall above 0.3 (dcgan, lsgan).
    "conditional_gan_fashion_mnist": dict(
        variant="conditional_gan",
        epochs=20,
        loss="hinge",
        ema_decay=0.99,
        options={
            **SMALL, "conditioning": "projection", "spectral_norm": True,
            "minibatch_stddev": True,
        },
        **FASHION,
    ),
}
