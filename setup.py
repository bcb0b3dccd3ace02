"""Ships the repository's top-level `zoo/` inside the package as `kerasgan/_zoo`.

Everything else is declared in pyproject.toml; setup.py only maps the zoo folder,
which pyproject.toml's static configuration cannot do next to package discovery.
Each zoo folder is declared as a (data-only) package of its own so that setuptools
installs its files without warning that it would ignore them.
"""

from setuptools import find_namespace_packages
from setuptools import find_packages
from setuptools import setup

ZOO_FILES = ["*.json", "*.h5", "*.png", "*.md", "*.npz"]
ZOO_PACKAGES = ["kerasgan._zoo"] + [
    f"kerasgan._zoo.{name}" for name in find_namespace_packages(where="zoo")
]

setup(
    packages=[*find_packages(include=["kerasgan", "kerasgan.*"]), *ZOO_PACKAGES],
    package_dir={"kerasgan._zoo": "zoo"},
    package_data={
        # The registry of hosted entries (addresses and sha256 pins).
        "kerasgan.zoo": ["hosted.json"],
        **{package: ZOO_FILES for package in ZOO_PACKAGES},
    },
)
