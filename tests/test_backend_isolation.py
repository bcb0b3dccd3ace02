"""Backend-specific imports live in kerasgan/backend only (as in Keras itself)."""

import ast
import pathlib

import kerasgan

PACKAGE = pathlib.Path(kerasgan.__file__).parent
FRAMEWORKS = {"tensorflow", "jax", "jaxlib", "torch", "tensorflow_datasets"}


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module.split(".")[0]


def _violations():
    found = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "backend":
            continue
        tree = ast.parse(path.read_text())
        for node, module in _imports(tree):
            if module in FRAMEWORKS:
                found.append(f"{relative}:{node.lineno} imports {module}")
    return found


def test_only_the_backend_package_imports_frameworks():
    assert _violations() == []


def test_the_check_catches_a_violation(tmp_path, monkeypatch):
    fake = tmp_path / "kerasgan"
    (fake / "engine").mkdir(parents=True)
    (fake / "engine" / "bad.py").write_text("import torch\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert _violations() == ["engine/bad.py:1 imports torch"]
