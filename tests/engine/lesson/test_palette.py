"""Palette extraction, colour names and the palette chart."""

import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from engine.lesson.charts import palette_chart_png, palette_chart_svg
from engine.color.names import plain_words
from engine.color.spaces import delta_e_ciede2000, rgb_to_lab
from engine.lesson.palette import Palette, extract, extract_with_labels

RED, TEAL, GOLD = (255, 0, 0), (0, 128, 128), (218, 165, 32)


def blocks(colors_and_rows, width=10):
    """A picture of horizontal bands: [(rgb, rows), ...]."""
    return np.concatenate(
        [np.full((rows, width, 3), rgb, dtype=np.uint8) for rgb, rows in colors_and_rows], axis=0
    )


def noisy_clusters(centers, size=60, sigma=3.0, seed=1):
    """Vertical stripes of the given colours with Gaussian noise (many distinct colours)."""
    rng = np.random.default_rng(seed)
    stripes = np.repeat(np.arange(len(centers)), size // len(centers) + 1)[:size]
    image = np.asarray(centers, dtype=np.float64)[np.tile(stripes, (size, 1))]
    return np.clip(np.round(image + rng.normal(0, sigma, image.shape)), 0, 255).astype(np.uint8)


def test_known_colours_give_exactly_those_colours_and_shares():
    image = blocks([(TEAL, 3), (RED, 5), (GOLD, 2)])
    palette = extract(image, max_colors=24)
    assert [c.rgb for c in palette] == [RED, TEAL, GOLD]
    assert [c.share for c in palette] == [0.5, 0.3, 0.2]
    assert [c.number for c in palette] == [1, 2, 3]
    assert [c.hex for c in palette] == ["#ff0000", "#008080", "#daa520"]


def test_a_palette_carries_painters_names_and_old_css_names_still_read_as_words():
    image = blocks([(RED, 3), (TEAL, 2), (GOLD, 1), ((250, 2, 3), 1)])
    names = [c.name for c in extract(image)]
    assert names == ["bright red", "teal", "bright red, darker", "light ochre"]
    # lessons stored before painter's names hold CSS names; they are spelt as words
    assert plain_words("darkslategray") == "dark slate gray"
    assert plain_words("~lightgoldenrodyellow") == "~light goldenrod yellow"
    assert plain_words("red") == "red"
    assert [plain_words(n) for n in names] == names


def test_clustering_recovers_noisy_colour_groups():
    centers = [(200, 40, 40), (40, 160, 60), (30, 40, 150), (230, 220, 200)]
    image = noisy_clusters(centers)
    palette = extract(image, max_colors=4)
    assert len(palette) == 4
    found = rgb_to_lab(palette.rgb)
    truth = rgb_to_lab(np.array(centers, dtype=np.uint8))
    distances = delta_e_ciede2000(truth[:, None, :], found[None, :, :])
    assert distances.min(axis=1).max() < 2.0  # every true colour has a palette colour next to it
    assert sorted(round(c.share, 2) for c in palette) == [0.2, 0.27, 0.27, 0.27]  # 12/60 and 16/60 columns


def test_many_colours_give_a_valid_ordered_palette():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    palette, labels = extract_with_labels(image, max_colors=12)
    assert 1 <= len(palette) <= 12
    shares = palette.shares
    assert abs(shares.sum() - 1.0) < 1e-9
    assert np.all(np.diff(shares) <= 0)
    assert [c.number for c in palette] == list(range(1, len(palette) + 1))
    for c in palette:
        assert c.hex == "#%02x%02x%02x" % c.rgb
    assert labels.shape == (40, 50) and labels.min() >= 0 and labels.max() < len(palette)
    np.testing.assert_array_equal(labels, palette.quantize(image))
    counts = np.bincount(labels.ravel(), minlength=len(palette)) / labels.size
    np.testing.assert_allclose(counts, shares)
    np.testing.assert_array_equal(palette.render(labels), palette.rgb[labels])


def test_same_input_same_palette():
    image = noisy_clusters([(10, 20, 30), (200, 100, 50), (90, 200, 120)], sigma=12, seed=5)
    first = extract(image, max_colors=8)
    second = extract(image.copy(), max_colors=8)
    assert first.to_json() == second.to_json()


def test_near_duplicates_are_merged():
    image = noisy_clusters([(120, 60, 60), (60, 120, 60)], sigma=4)
    palette = extract(image, max_colors=10, merge_delta_e=8.0)
    lab = palette.lab
    distance = delta_e_ciede2000(lab[:, None, :], lab[None, :, :])
    np.fill_diagonal(distance, np.inf)
    assert distance.min() >= 7.5  # no two paints closer than the merge threshold (± rounding)
    assert len(palette) < 10


@pytest.mark.parametrize(
    "image, expected",
    [
        (np.full((20, 30, 3), (12, 34, 56), dtype=np.uint8), [(12, 34, 56)]),  # one colour
        (blocks([(RED, 1)], width=50), [RED]),  # 1-px-high strip
        (np.full((5, 5), 0.5, dtype=np.float32), [(128, 128, 128)]),  # greyscale floats
        (np.dstack([np.full((4, 4, 3), RED, np.uint8), np.full((4, 4), 255, np.uint8)]), [RED]),  # RGBA
    ],
)
def test_degenerate_pictures_give_their_colours(image, expected):
    palette = extract(image, max_colors=24)
    assert [c.rgb for c in palette] == expected
    assert palette[0].share == 1.0


def test_strip_with_many_colours():
    rng = np.random.default_rng(3)
    strip = rng.integers(0, 256, (1, 300, 3), dtype=np.uint8)
    palette = extract(strip, max_colors=5)
    assert len(palette) <= 5 and abs(palette.shares.sum() - 1) < 1e-9


@pytest.mark.parametrize(
    "image, max_colors, message",
    [
        (np.zeros((4, 4, 3), np.uint8), 0, "between 1 and"),
        (np.zeros((4, 4, 3), np.uint8), 2.5, "whole number"),
        (np.zeros((0, 4, 3), np.uint8), 4, "empty"),
        (np.zeros((4, 4, 5), np.uint8), 4, "H×W"),
        (np.zeros((4, 4, 3), np.int64), 4, "dtype"),
    ],
)
def test_bad_input_raises_a_clear_value_error(image, max_colors, message):
    with pytest.raises(ValueError, match=message):
        extract(image, max_colors=max_colors)


def test_to_json_shape_and_round_trip():
    palette = extract(blocks([(RED, 2), (TEAL, 1)]))
    payload = json.loads(json.dumps(palette.to_json()))
    assert set(payload) == {"colors"}
    for color in payload["colors"]:
        assert set(color) == {"number", "rgb", "hex", "name", "share"}
        assert re.fullmatch(r"#[0-9a-f]{6}", color["hex"])
    assert Palette.from_json(payload).to_json() == palette.to_json()


def test_render_rejects_labels_outside_the_palette():
    palette = extract(blocks([(RED, 2), (TEAL, 1)]))
    with pytest.raises(ValueError, match="labels must lie"):
        palette.render(np.array([[0, 2]]))


def test_chart_svg_shows_every_colour_with_number_and_name():
    image = blocks([(RED, 5), (TEAL, 3), (GOLD, 2)], width=20)
    palette = extract(image)
    svg = palette_chart_svg(palette, image)
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    wedges = [p for p in root.iter(f"{ns}path")]
    assert len(wedges) == 3
    assert {w.get("fill") for w in wedges} == {"#ff0000", "#008080", "#daa520"}
    texts = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    for color in palette:
        assert plain_words(color.name) in texts and color.hex in texts
    assert root.find(f"{ns}image") is not None  # the picture in the middle


def test_chart_png_draws_wedges_in_palette_colours():
    image = blocks([(RED, 5), (TEAL, 3), (GOLD, 2)], width=20)
    palette = extract(image)
    png = palette_chart_png(palette)
    assert png.dtype == np.uint8 and png.ndim == 3 and png.shape[2] == 3
    colours = {tuple(int(v) for v in px) for px in png.reshape(-1, 3)[::7]}
    for color in palette:
        assert color.rgb in colours


def test_single_colour_chart_is_a_full_ring():
    palette = extract(np.full((8, 8, 3), 200, np.uint8))
    root = ET.fromstring(palette_chart_svg(palette))
    assert root.find("{http://www.w3.org/2000/svg}circle") is not None
