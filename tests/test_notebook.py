"""docs/quickstart.ipynb runs top to bottom on this backend (EPOCHS=1, STEPS=2).

Its stored outputs (sample grids, the loss plot, FID) come from a full run:
`python tests/test_notebook.py --store` executes it in place with the notebook's own
defaults (KERAS_BACKEND=tensorflow unless set) and writes the outputs into it.
"""

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "quickstart.ipynb"


def execute(notebook_path, folder, timeout=900):
    """Runs every cell in a fresh kernel whose working directory is `folder`."""
    import nbclient
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return notebook


def test_the_quickstart_notebook_runs_and_shows_its_pictures(
    backend_name, tmp_path, monkeypatch
):
    pytest.importorskip("nbclient", reason="pip install -e '.[test]' (nbclient)")
    pytest.importorskip("ipykernel", reason="pip install -e '.[test]' (ipykernel)")
    monkeypatch.setenv("EPOCHS", "1")
    monkeypatch.setenv("STEPS", "2")
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KERAS_BACKEND", backend_name)  # the kernel inherits it
    notebook = execute(NOTEBOOK, tmp_path)
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 3  # the last sample grid, the losses, the zoo's samples
    text = "".join(o.get("text", "") for o in outputs)
    assert f"on {backend_name}" in text and "fid" in text.lower()
    assert (tmp_path / "runs/quickstart/losses.png").is_file()


def store_outputs():
    """Executes the notebook in docs/ and writes its outputs into it."""
    import nbformat

    os.environ.pop("EPOCHS", None)
    os.environ.pop("STEPS", None)
    folder = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / "kerasgan-quickstart"
    folder.mkdir(parents=True, exist_ok=True)
    notebook = execute(NOTEBOOK, folder, timeout=3600)
    nbformat.write(notebook, NOTEBOOK)


if __name__ == "__main__":
    if sys.argv[1:] != ["--store"]:
        sys.exit(__doc__)
    store_outputs()
