"""The variant registry: every GAN variant kerasgan ships, listed once.

The CLI (`kerasgan train <name>`), `kerasgan.training`, the docs scripts, the zoo
recipes (`scripts/train.py`) and the tests read this table; a new variant is added
here, in its own folder `kerasgan/models/<name>/` (model, `<name>_presets.py`) and
with its page `docs/variants/<name>.md`.

```python
from kerasgan.models import registry

registry.names()                      # ("vanilla_gan", "dcgan", ...)
registry.get("dcgan").cls             # kerasgan.models.DCGAN
registry.name_of(gan)                 # "dcgan" (a model, a class or "DCGAN")
registry.recipes()["dcgan_mnist5k"]   # the arguments that trained that zoo entry
```
"""

import copy
import dataclasses
import difflib

from kerasgan.models.acgan import acgan_presets
from kerasgan.models.acgan.acgan import ACGAN
from kerasgan.models.adversarial_autoencoder import adversarial_autoencoder_presets
from kerasgan.models.adversarial_autoencoder.adversarial_autoencoder import (
    AdversarialAutoencoder,
)
from kerasgan.models.big_gan import big_gan_presets
from kerasgan.models.big_gan.big_gan import BigGAN
from kerasgan.models.conditional_gan import conditional_gan_presets
from kerasgan.models.conditional_gan.conditional_gan import ConditionalGAN
from kerasgan.models.cycle_gan import cycle_gan_presets
from kerasgan.models.cycle_gan.cycle_gan import CycleGAN
from kerasgan.models.dcgan import dcgan_presets
from kerasgan.models.dcgan.dcgan import DCGAN
from kerasgan.models.lapgan import lapgan_presets
from kerasgan.models.lapgan.lapgan import LAPGAN
from kerasgan.models.lsgan import lsgan_presets
from kerasgan.models.lsgan.lsgan import LSGAN
from kerasgan.models.pix2pix import pix2pix_presets
from kerasgan.models.pix2pix.pix2pix import Pix2Pix
from kerasgan.models.pro_gan import pro_gan_presets
from kerasgan.models.pro_gan.pro_gan import ProGAN
from kerasgan.models.sagan import sagan_presets
from kerasgan.models.sagan.sagan import SAGAN
from kerasgan.models.sngan import sngan_presets
from kerasgan.models.sngan.sngan import SNGAN
from kerasgan.models.srgan import srgan_presets
from kerasgan.models.stack_gan import stack_gan_presets
from kerasgan.models.stack_gan.stack_gan import StackGAN
from kerasgan.models.srgan.srgan import SRGAN
from kerasgan.models.style_gan import style_gan_presets
from kerasgan.models.style_gan.style_gan import StyleGAN
from kerasgan.models.vanilla_gan import vanilla_gan_presets
from kerasgan.models.vanilla_gan.vanilla_gan import VanillaGAN
from kerasgan.models.wgan import wgan_presets
from kerasgan.models.wgan.wgan import WGAN
from kerasgan.models.wgan_gp import wgan_gp_presets
from kerasgan.models.wgan_gp.wgan_gp import WGANGP

IMAGES = (3,)  # data_shape (height, width, channels)
GENERATE = "generate"  # latents (and labels) → data: kerasgan.engine.LatentToData
TRANSLATE = "translate"  # data → data: kerasgan.engine.DataToData
TASKS = (GENERATE, TRANSLATE)
VECTORS_OR_IMAGES = (1, 3)  # also (features,), e.g. the 2-D toy mixtures


@dataclasses.dataclass(frozen=True, eq=False)
class Variant:
    """One registered variant.

    Attributes:
        name: the variant's name: `kerasgan train <name>`, its folder
            `kerasgan/models/<name>/`, its page `docs/variants/<name>.md`.
        cls: the model class (`kerasgan.models.<Class>`).
        summary: one line: what it is.
        conditional: whether it trains on `(data, labels)` and takes `num_classes`.
        data_ranks: the ranks of `data_shape` it builds networks for: `(3,)` images
            only, `(1, 3)` vectors or images.
        recipes: its zoo recipes (`<name>_presets.RECIPES`): preset name →
            `kerasgan.training.train_variant` arguments.
        task: `GENERATE` (latents to data, `generate()`) or `TRANSLATE` (images to
            images, `translate()`: Pix2Pix, CycleGAN, SRGAN).
        tiny: constructor arguments of a tiny instance for the standard tests
            (`<name>_presets.TINY`); None: the generators' common tiny arguments.
    """

    name: str
    cls: type
    summary: str
    conditional: bool
    data_ranks: tuple
    recipes: dict = dataclasses.field(repr=False)
    task: str = GENERATE
    tiny: dict = dataclasses.field(default=None, repr=False)

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}; got {self.task!r}.")

    @property
    def doc(self):
        """Its page, relative to the repository: `docs/variants/<name>.md`."""
        return f"docs/variants/{self.name}.md"

    @property
    def data(self):
        """What it trains on, in words: "images", "vectors or images, with labels"."""
        if self.task == TRANSLATE:
            return ", ".join(spec_name for spec_name in self.cls.input_names) + " images"
        kind = "images" if tuple(self.data_ranks) == IMAGES else "vectors or images"
        return kind + (", with labels" if self.conditional else "")


_VARIANTS = (
    Variant(
        "vanilla_gan",
        VanillaGAN,
        "The original GAN (Goodfellow et al. 2014) with MLP networks.",
        conditional=False,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=vanilla_gan_presets.RECIPES,
    ),
    Variant(
        "dcgan",
        DCGAN,
        "Deep convolutional GAN (Radford et al. 2015): transposed convolutions in G, "
        "strided convolutions in D.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=dcgan_presets.RECIPES,
    ),
    Variant(
        "lsgan",
        LSGAN,
        "Least Squares GAN (Mao et al. 2017): the least-squares loss.",
        conditional=False,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=lsgan_presets.RECIPES,
    ),
    Variant(
        "wgan",
        WGAN,
        "Wasserstein GAN (Arjovsky et al. 2017): a weight-clipped critic, RMSprop, "
        "5 critic steps per G step.",
        conditional=False,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=wgan_presets.RECIPES,
    ),
    Variant(
        "wgan_gp",
        WGANGP,
        "Wasserstein GAN with gradient penalty (Gulrajani et al. 2017).",
        conditional=False,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=wgan_gp_presets.RECIPES,
    ),
    Variant(
        "sngan",
        SNGAN,
        "Spectral normalization GAN (Miyato et al. 2018): spectral norm in D, hinge "
        "loss.",
        conditional=False,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=sngan_presets.RECIPES,
    ),
    Variant(
        "sagan",
        SAGAN,
        "Self-Attention GAN (Zhang et al. 2019): attention and spectral norm in G and "
        "D, hinge loss, TTUR.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=sagan_presets.RECIPES,
    ),
    Variant(
        "style_gan",
        StyleGAN,
        "StyleGAN2 (Karras et al. 2020): mapping network, modulated convolutions, noise, "
        "residual D, lazy R1 and path length, style mixing, truncation, EMA.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=style_gan_presets.RECIPES,
        tiny=style_gan_presets.TINY,
    ),
    Variant(
        "pro_gan",
        ProGAN,
        "Progressive GAN (Karras et al. 2018): G and D grown from 4×4 with fade-in, "
        "equalized learning rate, pixel norm, minibatch stddev, WGAN-GP + drift.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=pro_gan_presets.RECIPES,
        tiny=pro_gan_presets.TINY,
    ),
    Variant(
        "conditional_gan",
        ConditionalGAN,
        "Conditional GAN (Mirza & Osindero 2014), optionally with a projection "
        "discriminator (Miyato & Koyama 2018).",
        conditional=True,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=conditional_gan_presets.RECIPES,
    ),
    Variant(
        "acgan",
        ACGAN,
        "Auxiliary Classifier GAN (Odena et al. 2017): D also predicts the class.",
        conditional=True,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=acgan_presets.RECIPES,
    ),
    Variant(
        "big_gan",
        BigGAN,
        "BigGAN (Brock et al. 2019): residual nets with self-attention and spectral "
        "norm, skip-z conditional batch norm, projection D, hinge loss, orthogonal "
        "regularization, EMA, the truncation trick.",
        conditional=True,
        data_ranks=IMAGES,
        recipes=big_gan_presets.RECIPES,
        tiny=big_gan_presets.TINY,
    ),
    Variant(
        "pix2pix",
        Pix2Pix,
        "Pix2Pix (Isola et al. 2017): paired translation, U-Net G, PatchGAN D on "
        "(source, image) pairs, L1 + adversarial loss.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=pix2pix_presets.RECIPES,
        task=TRANSLATE,
        tiny=pix2pix_presets.TINY,
    ),
    Variant(
        "srgan",
        SRGAN,
        "SRGAN (Ledig et al. 2017): super-resolution, SRResNet G pre-trained on MSE, "
        "VGG-style D, content loss on a pluggable network + 1e-3 × adversarial.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=srgan_presets.RECIPES,
        task=TRANSLATE,
        tiny=srgan_presets.TINY,
    ),
    Variant(
        "cycle_gan",
        CycleGAN,
        "CycleGAN (Zhu et al. 2017): unpaired translation, two ResNet generators, two "
        "PatchGAN Ds, least-squares, cycle and identity losses, a history pool of fakes.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=cycle_gan_presets.RECIPES,
        task=TRANSLATE,
        tiny=cycle_gan_presets.TINY,
    ),
    Variant(
        "lapgan",
        LAPGAN,
        "LAPGAN (Denton et al. 2015): a Laplacian pyramid of GANs, each finer level "
        "drawing the band-pass residual of the upsampled coarser image.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=lapgan_presets.RECIPES,
        tiny=lapgan_presets.TINY,
    ),
    Variant(
        "stack_gan",
        StackGAN,
        "StackGAN (Zhang et al. 2017): text to image in two stages, conditioning "
        "augmentation, matching-aware discriminators, trained stage by stage.",
        conditional=False,
        data_ranks=IMAGES,
        recipes=stack_gan_presets.RECIPES,
        tiny=stack_gan_presets.TINY,
    ),
    Variant(
        "adversarial_autoencoder",
        AdversarialAutoencoder,
        "Adversarial autoencoder (Makhzani et al. 2016): an autoencoder whose codes a "
        "latent discriminator matches to a Gaussian, mixture or swiss-roll prior.",
        conditional=False,
        data_ranks=VECTORS_OR_IMAGES,
        recipes=adversarial_autoencoder_presets.RECIPES,
        tiny=adversarial_autoencoder_presets.TINY,
    ),
)
_BY_NAME = {variant.name: variant for variant in _VARIANTS}


def variants(task=None):
    """Every registered variant (of `task`, if given), `Variant`s in the CLI's order."""
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}.")
    return tuple(v for v in _VARIANTS if task is None or v.task == task)


def names(task=None):
    """The variants' names (of `task`, if given), e.g. `("vanilla_gan", "dcgan", ...)`."""
    return tuple(v.name for v in variants(task))


def get(name):
    """The `Variant` named `name` ("dcgan"); a ValueError listing the names if none."""
    if name not in _BY_NAME:
        close = difflib.get_close_matches(str(name), _BY_NAME, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"Unknown variant {name!r}.{hint} Known variants: {', '.join(_BY_NAME)}."
        )
    return _BY_NAME[name]


def name_of(model):
    """The registered name of a model, a model class or a class name ("DCGAN").

    A subclass of a registered class gets its nearest registered ancestor's name
    (`ACGAN` is "acgan", a user's `class MyDCGAN(DCGAN)` "dcgan").

    Raises:
        ValueError: for a model or class name no registered variant matches.
    """
    if isinstance(model, str):
        for variant in _VARIANTS:
            if variant.cls.__name__ == model:
                return variant.name
    else:
        cls = model if isinstance(model, type) else type(model)
        by_class = {variant.cls: variant.name for variant in _VARIANTS}
        for ancestor in cls.__mro__:
            if ancestor in by_class:
                return by_class[ancestor]
    kind = model if isinstance(model, str) else getattr(model, "__name__", type(model))
    raise ValueError(
        f"{kind} is no registered variant (kerasgan.models.registry.names(): "
        f"{', '.join(_BY_NAME)})."
    )


def recipes():
    """Every zoo recipe, gathered from the variants' `<name>_presets.py`.

    Returns:
        A new dict: preset name → `kerasgan.training.train_variant` arguments
        (`variant`, `dataset`, `epochs`, ...), in the registry's order.
    """
    gathered = {}
    for variant in _VARIANTS:
        for preset, recipe in variant.recipes.items():
            if preset in gathered:
                raise ValueError(f"Two variants define the zoo recipe {preset!r}.")
            gathered[preset] = copy.deepcopy(recipe)
    return gathered
