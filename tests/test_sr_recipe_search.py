"""scripts/sr_recipe_search.py: the rows it reads back and the tables it writes."""

import json

import pytest

from conftest import load_script


def test_the_page_s_rows_are_read_back_as_the_script_labels_them():
    # The page's measured first table: one label per row (each row ends in its
    # commit), every one a recipe's label, the random-start ones marked.
    search = load_script("sr_recipe_search")
    labels = search.page_labels("sr-search")
    section = search.DOC.read_text().split("<!-- sr-search:start -->")[1].split(
        "<!-- sr-search:end -->")[0]
    assert len(labels) == sum(line.endswith("` |") for line in section.splitlines()) >= 5
    assert labels <= {search.row_label(search.RECIPES, label) for label in search.RECIPES}
    assert "+ bicubic skip (random start)" in labels


def keep(search, label, psnr=30.5):
    row = {"recipe": label, "steps": 800, "lr": 1e-3, "minutes": 4.5, "commit": "abc",
           "backend": "tensorflow", "PSNR (dB)": psnr, "SSIM": 0.86, "sharpness": 0.55,
           "bicubic PSNR (dB)": 29.1}
    search.RESULTS.mkdir(parents=True, exist_ok=True)
    (search.RESULTS / f"{search.slug(label)}.json").write_text(json.dumps(row))


@pytest.fixture
def search_in(tmp_path, monkeypatch):
    """The script with runs/ and the page in `tmp_path`; the page lists the two
    colour-section labels given."""
    search = load_script("sr_recipe_search")
    monkeypatch.setattr(search, "RESULTS", tmp_path / "runs")
    monkeypatch.setattr(search, "DOC", tmp_path / "srgan.md")
    monkeypatch.setattr(search, "run", lambda *a: pytest.fail("trained"))
    monkeypatch.setattr(search, "COLOUR_RECIPES", {"row a": {}, "row b": {}})
    monkeypatch.setitem(search.TABLES, "sr-search-colour", search.COLOUR_RECIPES)
    search.DOC.write_text(
        "<!-- sr-search-colour:start -->\n| recipe | steps |\n|---|---|\n"
        "| row a | 800 | 30.40 |\n| row b | 6,000 | 30.55 |\n<!-- sr-search-colour:end -->\n"
    )
    monkeypatch.setattr("sys.argv", ["sr_recipe_search.py", "--table-only"])
    return search


def test_table_only_refuses_to_drop_a_row_the_page_lists(search_in, capsys):
    keep(search_in, "row a")
    original = search_in.DOC.read_text()
    with pytest.raises(SystemExit):
        search_in.main()
    assert "{'sr-search-colour': ['row b']}" in capsys.readouterr().err
    assert search_in.DOC.read_text() == original


def test_table_only_writes_a_table_whose_rows_are_all_kept(search_in):
    keep(search_in, "row a", psnr=30.61)
    keep(search_in, "row b")
    search_in.main()
    text = search_in.DOC.read_text()
    assert "| row a | 800 | 30.61 | +1.51 |" in text and "30.40" not in text


def test_a_row_records_the_commit_it_started_at_not_one_made_during_training(tmp_path,
                                                                             monkeypatch):
    search = load_script("sr_recipe_search")
    monkeypatch.setattr(search, "RESULTS", tmp_path / "runs")
    head = {"now": "startcommit"}  # HEAD, which a commit during training moves
    monkeypatch.setattr(search, "git", lambda *args: head["now"])

    def commit_during_training(*args, **kwargs):
        head["now"] = "madeduringtherun"

    class Bicubic:  # stands in for the trained model: upscales as bicubic does
        upscale = staticmethod(lambda x: search.kerasgan.metrics.bicubic_upscale(x, 4))

    monkeypatch.setattr(search, "train",
                        lambda *a: commit_during_training() or Bicubic())
    label = "the zoo's recipe, 5,000 steps"
    search.run(label, 800, 1e-3)
    row = json.loads((tmp_path / "runs" / f"{search.slug(label)}.json").read_text())
    assert row["commit"] == "startcommit"
    assert row["steps"] == 5000  # the recipe's own steps, not --steps
    assert row["PSNR (dB)"] == pytest.approx(row["bicubic PSNR (dB)"])
