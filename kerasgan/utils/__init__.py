"""Small helpers shared by callbacks, the CLI and scripts."""
