"""Ships the repository's top-level `zoo/` inside the package as `kerasgan/_zoo`.

Everything else is declared in pyproject.toml; setup.py only maps the zoo folder,
which pyproject.toml's static configuration cannot do next to package discovery.
"""

from setuptools import find_packages
from setuptools import setup

setup(
    packages=[*find_packages(include=["kerasgan", "kerasgan.*"]), "kerasgan._zoo"],
    package_dir={"kerasgan._zoo": "zoo"},
    package_data={"kerasgan._zoo": ["**/*.json", "**/*.h5", "**/*.png", "**/*.md", "**/*.npz"]},
)
