"""The CLI's lesson.html follows the one section order the studio pages use, colours named in words."""

import re

from engine.color.names import plain_words
from engine.lesson.build import build_lesson
from engine.lesson.html import SECTIONS
from tests.engine.lesson.test_build import picture


def test_lesson_html_has_the_shared_sections_in_order_and_colour_names_in_words():
    lesson = build_lesson(picture(), max_colors=6, canvas="40x30cm")
    html = lesson.files()["lesson.html"].decode("utf-8")
    assert re.findall(r'<section id="([a-z]+)"', html) == [id_ for id_, _ in SECTIONS]
    assert re.findall(r"<h2>([^<]+)</h2>", html) == [title for _, title in SECTIONS]
    for color in lesson.palette:
        assert plain_words(color.name) in html
