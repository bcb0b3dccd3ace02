"""kerasgan's packages form layers: a module imports only from layers below its own.

Read from the source with `ast` (as `test_backend_isolation.py` does for frameworks),
function-level imports included: an import deferred into a function still makes the
lower layer depend on the higher one. Packages on one layer are independent of each
other. Nothing inside kerasgan imports the `kerasgan` package itself (its
`__init__.py` is the facade over every layer), and no two modules import each other,
directly or around a loop.

Where a lower layer must call a higher one, the higher one registers a function
with it: `GAN.from_preset` / `save_to_preset` (engine) call the zoo's reader and
writer through `kerasgan.utils.preset_io`, which `kerasgan.zoo` fills at import.
"""

import ast
import pathlib

import kerasgan

PACKAGE = pathlib.Path(kerasgan.__file__).parent
# Lowest first. A package or top-level module (cli.py, training.py, version.py) not
# listed here is itself a violation: declare it where it belongs.
LAYERS = (
    ("version", "tf_logs"),  # __version__; TensorFlow's log level, before any import
    ("backend", "utils"),  # framework adapters; files, images, cache folders
    ("data", "layers", "losses"),
    ("engine",),  # AdversarialModel, GAN, phases
    ("metrics", "models"),  # models: the variants and their registry
    ("callbacks", "zoo", "export"),  # export: a generator to ONNX, SavedModel, TFLite
    # `kerasgan train`'s runs; the variants' test harness; `kerasgan translate`'s files
    ("training", "testing", "translate_images"),
    ("apps",),  # applications of trained GANs (anomaly detection, ...)
    ("cli",),
)
RANK = {unit: rank for rank, layer in enumerate(LAYERS) for unit in layer}
# Imports allowed against the layers: (importing unit, imported unit) → why. None.
ALLOWED = {}
ROOT = "kerasgan (the package itself)"


def _modules():
    """`{dotted name: path}` of every module of the package (private folders skipped)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0].startswith("_") and len(relative.parts) > 1:
            continue  # e.g. kerasgan/_zoo, the zoo installed as data
        parts = relative.with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join((PACKAGE.name, *parts))] = path
    return modules


def _imports(path, name, modules):
    """`(line, module)`: the kerasgan modules a file imports, anywhere in it."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from a import b`: b is a module if there is one, else a name in a.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target == PACKAGE.name or target.startswith(PACKAGE.name + "."):
                while target not in modules:  # `import kerasgan.a.b.name` → kerasgan.a.b
                    target = target.rpartition(".")[0]
                yield node.lineno, target


def _unit(module):
    """The layer unit of a module: its top package or top-level module, or ROOT."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def _violations():
    modules = _modules()
    found = []
    for name, path in modules.items():
        source = _unit(name)
        if source == ROOT:
            continue  # the facade imports every layer
        where = f"{path.relative_to(PACKAGE)}"
        if source not in RANK:
            found.append(f"{where}: {source} is on no layer of LAYERS")
            continue
        for line, target_module in _imports(path, name, modules):
            target = _unit(target_module)
            if target == source or (source, target) in ALLOWED:
                continue
            if target == ROOT:
                found.append(f"{where}:{line} imports {ROOT}")
            elif target not in RANK:
                found.append(f"{where}:{line} imports {target}, on no layer of LAYERS")
            elif RANK[target] >= RANK[source]:
                found.append(
                    f"{where}:{line} imports {target} (layer {RANK[target]}) from "
                    f"{source} (layer {RANK[source]})"
                )
    return found


def _cycles():
    """Groups of modules that import each other, directly or around a loop."""
    modules = _modules()
    graph = {
        name: {t for _, t in _imports(path, name, modules) if t != name}
        for name, path in modules.items()
        if name != PACKAGE.name
    }
    # Tarjan's strongly connected components.
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_every_package_imports_only_lower_layers():
    assert _violations() == []


def test_no_modules_import_each_other():
    assert _cycles() == []


def test_every_package_is_on_a_layer():
    units = {_unit(name) for name in _modules()} - {ROOT}
    assert units <= set(RANK), sorted(units - set(RANK))


def _fake_package(tmp_path, monkeypatch, files):
    fake = tmp_path / "kerasgan"
    for name, text in {"__init__.py": "", **files}.items():
        (fake / name).parent.mkdir(parents=True, exist_ok=True)
        (fake / name).write_text(text)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch):
    _fake_package(
        tmp_path,
        monkeypatch,
        {
            "engine/__init__.py": "",
            "engine/gan.py": "def f():\n    from kerasgan import zoo\n",
            "zoo/__init__.py": "import kerasgan\nfrom kerasgan.engine import gan\n",
            "metrics/__init__.py": "from kerasgan.models import x\n",
            "models/__init__.py": "",
            "models/x.py": "from ..utils import files\n",
            "utils/__init__.py": "",
            "utils/files.py": "",
            "newpackage/__init__.py": "",
        },
    )
    assert _violations() == [
        "engine/gan.py:2 imports zoo (layer 5) from engine (layer 3)",
        "metrics/__init__.py:1 imports models (layer 4) from metrics (layer 4)",
        "newpackage/__init__.py: newpackage is on no layer of LAYERS",
        f"zoo/__init__.py:1 imports {ROOT}",
    ]


def test_the_check_catches_a_cycle(tmp_path, monkeypatch):
    _fake_package(
        tmp_path,
        monkeypatch,
        {
            "metrics/__init__.py": "",
            "metrics/a.py": "from kerasgan.metrics import b\n",
            "metrics/b.py": "def f():\n    from kerasgan.metrics.c import g\n",
            "metrics/c.py": "from . import a\n",
            "metrics/d.py": "from kerasgan.metrics import a\n",
        },
    )
    assert _cycles() == [["kerasgan.metrics.a", "kerasgan.metrics.b", "kerasgan.metrics.c"]]
