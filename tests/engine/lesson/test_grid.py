"""Canvas sizes as painters write them: mm, cm and inches."""

import pytest

from engine.lesson.grid import parse_canvas


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40x30cm", (40.0, 30.0, "cm")),
        ("400x300mm", (40.0, 30.0, "cm")),
        ("400 × 300 mm", (40.0, 30.0, "cm")),
        ("16x12in", (16.0, 12.0, "in")),
        ('16x12"', (16.0, 12.0, "in")),
        ("12,5x10 inches", (12.5, 10.0, "in")),
        ("10x10MM", (1.0, 1.0, "cm")),
    ],
)
def test_canvas_sizes_in_mm_cm_and_inches(text, expected):
    assert parse_canvas(text) == expected


@pytest.mark.parametrize("text", ["40x30", "40x30ft", "x30cm", "0x30cm", "20000x300mm"])
def test_bad_canvas_sizes_say_what_is_expected(text):
    with pytest.raises(ValueError, match="cm|mm|at most|more than 0"):
        parse_canvas(text)
