"""scripts/conditional_collapse_study.py: the recipe each row trains."""

from conftest import load_script


def test_each_change_is_the_zoo_recipe_plus_that_change_only():
    study = load_script("conditional_collapse_study")
    name = "conditional_gan_fashion_mnist"
    original = dict(study.RECIPES[name], options=dict(study.RECIPES[name]["options"]))
    both = study.changed_recipe(name, study.CHANGES["both"], epochs=2)
    assert both["epochs"] == 2
    assert both["options"] == {**original["options"], "minibatch_stddev": True}
    assert both["techniques"] == {"regularizers": ["mode_seeking"]}
    plain = study.changed_recipe(name, study.CHANGES["none (the recipe)"], epochs=2)
    assert plain == {**original, "epochs": 2, "techniques": {}}
    assert study.RECIPES[name] == original  # the registry's recipe is left as it was
