"""The registry of hosted zoo entries, shipped in the package as `hosted.json`.

Each entry names where its preset folder is published (`hf://owner/name`, or an
`https://` archive) and pins it: the sha256 of its `metadata.json` (hf://), or of the
archive (https://). The weights themselves are not in the package: they are downloaded
once, on first use, into the kerasgan cache. `scripts/publish_zoo.py` writes this file
from the zoo's folders; docs/zoo.md says how an entry is published.
"""

import functools
import json
import pathlib

REGISTRY = pathlib.Path(__file__).with_name("hosted.json")


@functools.cache
def entries():
    """`{name: {"url": ..., "sha256": ..., "variant": ..., ...}}` of the hosted entries."""
    if not REGISTRY.is_file():
        return {}
    return json.loads(REGISTRY.read_text())


def get(name):
    """The registry record of `name`, or None."""
    return entries().get(name)

