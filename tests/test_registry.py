"""The variant registry: the one list of variants the CLI, training, the zoo recipes,
the docs scripts and the tests read."""

import json
import pathlib

import pytest

import kerasgan
from kerasgan.models import registry
from kerasgan.models.class_conditional import ClassConditional

REPO = pathlib.Path(__file__).resolve().parents[1]


def test_every_model_class_is_registered_once():
    exported = {
        obj
        for obj in vars(kerasgan.models).values()
        if isinstance(obj, type) and issubclass(obj, kerasgan.engine.AdversarialModel)
    }
    registered = [variant.cls for variant in registry.variants()]
    assert len(set(registered)) == len(registered)
    # NetworkGAN is the base the variants share, not a variant.
    assert set(registered) == exported - {kerasgan.models.NetworkGAN}
    assert registry.names() == tuple(variant.name for variant in registry.variants())


@pytest.mark.parametrize("name", registry.names())
def test_a_variant_lives_in_its_folder_with_its_page(name):
    variant = registry.get(name)
    assert variant.cls.__module__ == f"kerasgan.models.{name}.{name}"
    assert (REPO / "kerasgan" / "models" / name / f"{name}_presets.py").is_file()
    assert variant.summary and "\n" not in variant.summary
    page = REPO / variant.doc
    assert page.is_file() and f"kerasgan.models.{variant.cls.__name__}" in page.read_text()
    # The docs index and the README list it.
    assert f"variants/{name}.md" in (REPO / "docs" / "index.md").read_text()
    assert f"`{name}`" in (REPO / "README.md").read_text()


@pytest.mark.parametrize("name", registry.names(task=registry.GENERATE))
def test_a_variant_builds_for_the_data_it_declares(name):
    variant = registry.get(name)
    assert variant.conditional == issubclass(variant.cls, ClassConditional)
    options = {"num_classes": 3} if variant.conditional else {}
    mlp_only = ("vanilla_gan", "adversarial_autoencoder")  # no conv filters to shrink
    small = {"g_filters": 4, "d_filters": 4} if name not in mlp_only else {}
    shape = (16, 16, 1) if variant.data_ranks == registry.IMAGES else (2,)
    # 6: BigGAN splits the latents into 3 chunks at 16×16.
    gan = variant.cls(latent_dim=6, data_shape=shape, **small, **options)
    assert tuple(gan.data_shape) == shape
    if variant.data_ranks == registry.IMAGES:
        with pytest.raises(ValueError, match="height, width, channels"):
            variant.cls(latent_dim=6, data_shape=(2,), **small, **options)


def test_tasks_split_the_variants_by_what_they_do():
    generators = registry.names(task=registry.GENERATE)
    translators = registry.names(task=registry.TRANSLATE)
    assert set(generators) | set(translators) == set(registry.names())
    assert not set(generators) & set(translators)
    for name in generators:
        assert issubclass(registry.get(name).cls, kerasgan.engine.LatentToData)
    for name in translators:
        assert issubclass(registry.get(name).cls, kerasgan.engine.DataToData)
        assert registry.get(name).tiny, f"{name} declares no tiny test instance"
    with pytest.raises(ValueError, match="task must be one of"):
        registry.names(task="classify")


def test_unknown_names_say_what_is_known():
    with pytest.raises(ValueError, match=r"Did you mean 'wgan_gp'\?.*vanilla_gan, dcgan"):
        registry.get("wgangp")
    with pytest.raises(ValueError, match="no registered variant"):
        registry.name_of("NetworkGAN")
    with pytest.raises(ValueError, match="no registered variant"):
        registry.name_of(kerasgan.models.NetworkGAN)


def test_name_of_a_class_a_class_name_and_a_subclass():
    assert registry.name_of(kerasgan.models.WGANGP) == "wgan_gp"
    assert registry.name_of("ACGAN") == "acgan"  # what a preset's metadata records
    # ACGAN subclasses ConditionalGAN: its own entry wins.
    assert registry.name_of(kerasgan.models.ACGAN) == "acgan"

    class MyDCGAN(kerasgan.models.DCGAN):
        pass

    assert registry.name_of(MyDCGAN) == "dcgan"




def test_recipes_are_gathered_from_every_variant_and_copied():
    recipes = registry.recipes()
    for variant in registry.variants():
        assert variant.recipes, f"{variant.name} has no zoo recipe"
        for name, recipe in variant.recipes.items():
            assert recipes[name] == recipe and recipe["variant"] == variant.name
    assert len(recipes) == sum(len(v.recipes) for v in registry.variants())
    recipes["dcgan_mnist5k"]["epochs"] = 1
    recipes["vanilla_gan_ring8"]["options"]["hidden_units"] = (1,)
    again = registry.recipes()
    assert again["dcgan_mnist5k"]["epochs"] == 40
    assert again["vanilla_gan_ring8"]["options"]["hidden_units"] == (128, 128)


def test_every_zoo_entry_is_the_recipe_that_made_it():
    """Each built-in entry's metadata records the recipe scripts/train.py trained it
    with; the recipes in the variants' folders are those, value for value."""
    recipes = registry.recipes()
    assert set(recipes) == set(kerasgan.zoo.names())
    for name, recipe in recipes.items():
        metadata = json.loads((kerasgan.zoo.resolve(name) / "metadata.json").read_text())
        assert registry.name_of(metadata["variant"]) == recipe["variant"]
        assert metadata["dataset"] == recipe["dataset"]
        recorded = {k: v for k, v in recipe.items() if k != "dataset"}
        assert json.loads(json.dumps(recorded)) == metadata["recipe"], name
