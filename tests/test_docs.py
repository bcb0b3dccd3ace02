"""The docs show code as it is in the package."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_engine_page_shows_the_tested_example_verbatim():
    example = (ROOT / "kerasgan/testing/two_domain_gan.py").read_text()
    page = (ROOT / "docs/engine.md").read_text()
    assert f"```python\n{example}```" in page
    assert len(example.splitlines()) <= 85
