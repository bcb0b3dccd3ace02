"""scripts/wgan_recipe_search.py: the recipe each row trains and the table it writes."""

import collections
import json

import pytest

from conftest import load_script


def test_each_row_is_the_zoo_recipe_with_only_its_change():
    search = load_script("wgan_recipe_search")
    name = "wgan_fashion_mnist"
    original = dict(search.RECIPES[name], options=dict(search.RECIPES[name]["options"]))
    assert search.changed_recipe(name, search.CHANGES["zoo"], 3) == {**original, "epochs": 3}
    adam = search.changed_recipe(name, search.CHANGES["adam-2e-4"], 3)
    assert adam == {**original, "epochs": 3, "g_lr": 2e-4, "d_lr": 2e-4, "beta1": 0.5}
    wide = search.changed_recipe(name, search.CHANGES["critic-64"], 3)
    assert wide["options"] == {**original["options"], "d_filters": 64}
    assert search.RECIPES[name] == original  # the registry's recipe is left as it was


def test_the_penalty_row_adds_its_weight_to_the_recipe_s_techniques():
    search = load_script("wgan_recipe_search")
    name = "wgan_gp_fashion_mnist"
    original = dict(search.RECIPES[name])
    changed = search.changed_recipe(name, search.CHANGES["gp-1"], 3)
    assert changed["techniques"] == {**original.get("techniques", {}), "penalty_weight": 1.0}
    assert {k: v for k, v in changed.items() if k != "techniques"} == {
        **{k: v for k, v in original.items() if k != "techniques"}, "epochs": 3}
    assert search.RECIPES[name] == original


def test_clipping_changes_apply_to_wgan_only_and_the_penalty_to_wgan_gp_only():
    search = load_script("wgan_recipe_search")
    assert search.applies("clip-0.05", "wgan")
    assert not search.applies("clip-0.05", "wgan_gp")
    assert search.applies("critic-bn", "wgan") and not search.applies("critic-bn", "wgan_gp")
    assert search.applies("adam-1e-4", "wgan_gp")
    assert search.applies("gp-1", "wgan_gp") and not search.applies("gp-1", "wgan")
    # Every change has the description the docs table shows.
    assert set(search.DESCRIPTIONS) == set(search.CHANGES)


def test_the_table_lists_kept_rows_by_epochs_then_change_order(tmp_path, monkeypatch):
    search = load_script("wgan_recipe_search")
    monkeypatch.setattr(search, "ROOT", tmp_path)
    folder = tmp_path / "runs" / "wgan_recipe_search" / "wgan_fashion_mnist"
    folder.mkdir(parents=True)
    for change, epochs, fid in [("critic-64", 3, 9.5), ("zoo", 3, 11.0), ("zoo", 1, 20.0)]:
        row = dict(change=change, epochs=epochs, fid=fid, kid=0.1, kl_to_uniform=0.05,
                   minutes=4.0, backend="jax", commit="abc")
        (folder / f"{change}-{epochs}.json").write_text(json.dumps(row))
    (folder / "dropped.json").write_text(json.dumps(dict(row, change="no longer a row")))
    rows = search.kept_rows("wgan_fashion_mnist")
    assert [(r["change"], r["epochs"]) for r in rows] == [
        ("zoo", 1), ("zoo", 3), ("critic-64", 3)
    ]
    lines = search.table("wgan_fashion_mnist", rows)
    assert lines[2].startswith("| none (the zoo recipe at the row's commit) | 1 | 20.00 |")
    assert lines[4].startswith("| critic of 64 filters | 3 | 9.50 |")


@pytest.mark.parametrize("argv, message", [
    (["bogus"], "unknown change(s) ['bogus']"),
    (["--recipe", "wgan_gp_fashion_mnist", "clip-0.05"], "only 'wgan' clips its critic"),
    (["--recipe", "wgan_fashion_mnist", "gp-1"], "only 'wgan_gp' has a gradient penalty"),
])
def test_bad_rows_are_refused_before_training(argv, message, monkeypatch, capsys):
    search = load_script("wgan_recipe_search")
    monkeypatch.setattr(search, "search_row", lambda *a: pytest.fail("trained"))
    monkeypatch.setattr("sys.argv", ["wgan_recipe_search.py", *argv])
    with pytest.raises(SystemExit):
        search.main()
    assert message in capsys.readouterr().err


def test_table_only_trains_nothing_and_writes_the_kept_rows(tmp_path, monkeypatch):
    search = load_script("wgan_recipe_search")
    monkeypatch.setattr(search, "ROOT", tmp_path)
    monkeypatch.setattr(search, "search_row", lambda *a: pytest.fail("trained"))
    folder = tmp_path / "runs" / "wgan_recipe_search" / "wgan_fashion_mnist"
    folder.mkdir(parents=True)
    row = dict(change="clip-0.05", epochs=3, fid=13.5, kid=0.17, kl_to_uniform=0.27,
               minutes=12.4, backend="tensorflow", commit="abc")
    (folder / "clip-0.05-3ep.json").write_text(json.dumps(row))
    page = tmp_path / "docs" / "variants" / "wgan.md"
    page.parent.mkdir(parents=True)
    page.write_text("before\n<!-- recipe-search:start -->\nold\n<!-- recipe-search:end -->\n")
    monkeypatch.setattr("sys.argv", ["wgan_recipe_search.py", "--table-only", "--write-doc"])
    search.main()
    text = page.read_text()
    assert "| c = 0.05 | 3 | 13.50 | 0.1700 | 0.270 | 12.4 | `abc` |" in text
    assert "old" not in text and text.startswith("before\n")


def test_write_doc_refuses_to_replace_the_page_s_table_with_no_kept_rows(tmp_path, monkeypatch,
                                                                        capsys):
    search = load_script("wgan_recipe_search")
    monkeypatch.setattr(search, "ROOT", tmp_path)
    page = tmp_path / "docs" / "variants" / "wgan.md"
    page.parent.mkdir(parents=True)
    original = "<!-- recipe-search:start -->\nmeasured\n<!-- recipe-search:end -->\n"
    page.write_text(original)
    monkeypatch.setattr("sys.argv", ["wgan_recipe_search.py", "--table-only", "--write-doc"])
    with pytest.raises(SystemExit):
        search.main()
    assert "no rows of wgan_fashion_mnist are kept" in capsys.readouterr().err
    assert page.read_text() == original


def test_pair_rows_set_both_changes_and_have_their_own_section():
    search = load_script("wgan_recipe_search")
    name = "wgan_fashion_mnist"
    pair = search.changed_recipe(name, search.CHANGES["critic-64-clip-0.05"], 3)
    assert pair["options"] == {**search.RECIPES[name]["options"], "d_filters": 64,
                               "clip_value": 0.05}
    assert not search.applies("critic-64-clip-0.05", "wgan_gp")
    gp = search.changed_recipe("wgan_gp_fashion_mnist", search.CHANGES["critic-64-adam-2e-4"], 3)
    assert (gp["g_lr"], gp["d_lr"], gp["beta1"], gp["options"]["d_filters"]) == (
        2e-4, 2e-4, 0.5, 64)
    assert search.section("critic-64-clip-0.05") == "recipe-search-pairs"
    assert search.section("critic-64-adam-2e-4") == "recipe-search-pairs"
    assert search.section("clip-0.05") == "recipe-search"


def kept_page(tmp_path, monkeypatch, changes):
    """A search whose runs/ keeps `changes` (3 epochs) and a page with both sections."""
    search = load_script("wgan_recipe_search")
    monkeypatch.setattr(search, "ROOT", tmp_path)
    monkeypatch.setattr(search, "search_row", lambda *a: pytest.fail("trained"))
    folder = tmp_path / "runs" / "wgan_recipe_search" / "wgan_fashion_mnist"
    folder.mkdir(parents=True)
    for change in changes:
        row = dict(change=change, epochs=3, fid=13.5, kid=0.17, kl_to_uniform=0.27,
                   minutes=12.4, backend="tensorflow", commit="abc")
        (folder / f"{change}-3ep.json").write_text(json.dumps(row))
    page = tmp_path / "docs" / "variants" / "wgan.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<!-- recipe-search:start -->\n| change to `wgan_fashion_mnist` | epochs |\n"
        "|---|---|\n| c = 0.05 | 3 | 13.48 |\n| c = 0.1 | 3 | 14.14 |\n"
        "<!-- recipe-search:end -->\n"
        "<!-- recipe-search-pairs:start -->\n<!-- recipe-search-pairs:end -->\n"
    )
    monkeypatch.setattr("sys.argv", ["wgan_recipe_search.py", "--table-only", "--write-doc"])
    return search, page


def test_write_doc_refuses_to_drop_a_row_the_page_lists(tmp_path, monkeypatch, capsys):
    search, page = kept_page(tmp_path, monkeypatch, ["clip-0.05"])
    original = page.read_text()
    with pytest.raises(SystemExit):
        search.main()
    assert "[('c = 0.1', '3')]" in capsys.readouterr().err
    assert page.read_text() == original


def test_write_doc_with_only_pairs_kept_writes_their_section_alone(tmp_path, monkeypatch):
    search, page = kept_page(tmp_path, monkeypatch, ["critic-64-clip-0.05"])
    before = page.read_text().split("<!-- recipe-search-pairs:start -->")[0]
    search.main()
    text = page.read_text()
    assert text.split("<!-- recipe-search-pairs:start -->")[0] == before
    pairs = text.split("<!-- recipe-search-pairs:start -->")[1]
    assert "| critic of 64 filters and c = 0.05 | 3 | 13.50 |" in pairs


def test_a_row_records_the_commit_it_started_at_not_one_made_during_training(tmp_path,
                                                                             monkeypatch):
    search = load_script("wgan_recipe_search")
    monkeypatch.setattr(search, "ROOT", tmp_path)
    head = {"now": "startcommit"}  # HEAD, which a commit during training moves
    monkeypatch.setattr(search, "git", lambda *args: head["now"])

    def commit_during_training(*args, **kwargs):
        head["now"] = "madeduringtherun"
    monkeypatch.setattr(search.training, "train_variant",
                        lambda **kw: commit_during_training() or (object(), None))
    monkeypatch.setattr(search.evaluation, "default_extractor", lambda dataset: None)
    Result = collections.namedtuple("Result", "name value")
    monkeypatch.setattr(search, "evaluate", lambda *a: [
        Result("fid", 1.0), Result("kid", 0.1), Result("kl_to_uniform", 0.2)])
    row = search.search_row("wgan_fashion_mnist", "clip-0.05", 1)
    assert row["commit"] == "startcommit"
    kept = tmp_path / "runs" / "wgan_recipe_search" / "wgan_fashion_mnist" / "clip-0.05-1ep.json"
    assert json.loads(kept.read_text())["commit"] == "startcommit"
