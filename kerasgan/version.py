"""The package version, importable by any layer without importing `kerasgan` itself."""

__version__ = "0.1.0"
