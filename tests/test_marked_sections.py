"""kerasgan.utils.files: the generated (marked) sections of the docs."""

import pytest

from kerasgan.utils.files import marked_table_rows
from kerasgan.utils.files import replace_marked_section

PAGE = """intro
| outside | 1 |
<!-- t:start -->
| recipe | steps |
|---|:---:|
| a | 800 |
| b, with | 6,000 |

footer | not a row
<!-- t:end -->
after
"""


def test_table_rows_are_the_body_rows_between_the_markers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    assert marked_table_rows(page, "t") == [["a", "800"], ["b, with", "6,000"]]
    assert marked_table_rows(page, "absent") == []


def test_a_replaced_section_keeps_the_rest_of_the_page(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    replace_marked_section(page, "t", "| x | y |\n|---|---|\n| c | 1 |")
    assert page.read_text() == (
        "intro\n| outside | 1 |\n<!-- t:start -->\n| x | y |\n|---|---|\n| c | 1 |\n"
        "<!-- t:end -->\nafter\n"
    )
    assert marked_table_rows(page, "t") == [["c", "1"]]
    with pytest.raises(ValueError, match="has no 'absent' markers"):
        replace_marked_section(page, "absent", "text")
