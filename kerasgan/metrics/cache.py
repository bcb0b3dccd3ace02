"""The kerasgan cache folder and content hashes (defined in `kerasgan.utils.storage`)."""

from kerasgan.utils.storage import cache_dir
from kerasgan.utils.storage import sha256_of

__all__ = ["cache_dir", "sha256_of"]
