"""scripts/conditional_collapse_study.py: the recipe each row trains."""

from conftest import load_script


def test_each_row_is_the_zoo_recipe_with_only_its_settings_changed():
    study = load_script("conditional_collapse_study")
    name = "conditional_gan_fashion_mnist"
    original = dict(study.RECIPES[name], options=dict(study.RECIPES[name]["options"]))
    both = study.changed_recipe(name, study.CHANGES["both"], epochs=2)
    assert both["epochs"] == 2 and both["ema_decay"] == 0.999
    assert both["options"] == {**original["options"], "minibatch_stddev": True}
    assert both["techniques"] == {"regularizers": ["mode_seeking"]}
    before = study.changed_recipe(name, study.CHANGES["neither (the recipe before)"], 2)
    assert before == {**original, "epochs": 2, "techniques": {}, "ema_decay": 0.999,
                      "options": {**original["options"], "minibatch_stddev": False}}
    now = study.changed_recipe(
        name, study.CHANGES["MinibatchStdDev in D, EMA decay 0.99"], original["epochs"]
    )
    assert now == {**original, "techniques": {}}  # the zoo recipe itself
    assert study.RECIPES[name] == original  # the registry's recipe is left as it was
