"""Paint-by-numbers sheet: regions, merging, labels and SVG."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from engine.lesson.palette import extract_with_labels
from engine.regions import merge_small_regions, mode_filter
from engine.lesson.sheet import make_sheet

SVG = "{http://www.w3.org/2000/svg}"
COLOURS = [(200, 30, 30), (30, 160, 60), (40, 40, 170), (235, 225, 200)]


def quilt():
    """Four rectangles of different sizes, plus 2×2 specks that are too small to paint."""
    image = np.empty((60, 80, 3), dtype=np.uint8)
    image[:, :50] = COLOURS[0]
    image[:30, 50:] = COLOURS[1]
    image[30:, 50:] = COLOURS[2]
    image[20:40, 10:30] = COLOURS[3]
    image[5:7, 5:7] = COLOURS[2]  # specks
    image[50:52, 60:62] = COLOURS[0]
    return image


@pytest.fixture(scope="module")
def sheet_and_palette():
    palette, labels = extract_with_labels(quilt())
    return make_sheet(labels, palette, min_area=20, smoothing=1), palette, labels


def test_regions_follow_the_shapes_and_specks_are_merged(sheet_and_palette):
    sheet, palette, labels = sheet_and_palette
    assert sheet.region_count == 4
    assert labels[5, 5] != labels[0, 0] and sheet.labels[5, 5] == labels[0, 0]  # speck gone
    assert sheet.labels[51, 61] == labels[45, 70]
    areas = np.bincount(sheet.regions.ravel())
    assert areas.min() >= 20


def test_each_region_has_its_number_inside_it(sheet_and_palette):
    sheet, palette, labels = sheet_and_palette
    for region, (row, col) in enumerate(sheet.label_points):
        assert sheet.regions[row, col] == region
        assert sheet.labels[row, col] == sheet.region_colors[region]
    # the label sits well inside: the 20×20 square's label is near its centre
    inner = sheet.regions[30, 20]
    row, col = sheet.label_points[inner]
    assert abs(row - 29.5) <= 2 and abs(col - 19.5) <= 2
    # bigger room, bigger number
    assert sheet.font_sizes[sheet.regions[0, 0]] >= sheet.font_sizes[inner]


def test_svg_has_an_outline_and_a_number_per_region_and_a_key(sheet_and_palette):
    sheet, palette, labels = sheet_and_palette
    root = ET.fromstring(sheet.svg())
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == sheet.region_count
    numbers = [t.text for t in root.iter(f"{SVG}text")]
    for color in sheet.region_colors:
        assert str(color + 1) in numbers
    key_swatches = [r for r in root.iter(f"{SVG}rect") if r.get("stroke") == "#444444"]
    assert sorted(r.get("fill") for r in key_swatches) == sorted(palette[int(c)].hex for c in set(sheet.region_colors))
    coloured = ET.fromstring(sheet.svg(colored=True, key=False))
    fills = {p.get("fill") for p in coloured.iter(f"{SVG}path")}
    assert fills == {palette[int(c)].hex for c in sheet.region_colors}


def test_noisy_picture_has_no_region_below_min_area():
    rng = np.random.default_rng(7)
    image = rng.integers(0, 256, (50, 70, 3), dtype=np.uint8)
    palette, labels = extract_with_labels(image, max_colors=6)
    sheet = make_sheet(labels, palette, min_area=30)
    areas = np.bincount(sheet.regions.ravel())
    assert sheet.region_count >= 1 and areas.min() >= 30
    for region, (row, col) in enumerate(sheet.label_points):
        assert sheet.regions[row, col] == region
    assert sheet.preview().shape == (50, 70, 3)


def test_single_colour_and_strip():
    palette, labels = extract_with_labels(np.full((1, 40, 3), 77, np.uint8))
    sheet = make_sheet(labels, palette)
    assert sheet.region_count == 1
    ET.fromstring(sheet.svg())


def test_bad_labels_raise_value_error(sheet_and_palette):
    _, palette, labels = sheet_and_palette
    with pytest.raises(ValueError, match="labels must lie"):
        make_sheet(labels + len(palette), palette)
    with pytest.raises(ValueError, match="min_area"):
        make_sheet(labels, palette, min_area=0)


def test_mode_filter_and_merge_helpers():
    labels = np.zeros((9, 9), dtype=np.int32)
    labels[4, 4] = 1  # a lone pixel: majority filter removes it
    assert mode_filter(labels, 3).max() == 0
    labels[0:3, 0:3] = 2  # a 9-px block survives a 3×3 majority filter at its centre
    assert mode_filter(labels, 3)[1, 1] == 2
    merged = merge_small_regions(labels, min_area=10)
    assert set(np.unique(merged)) == {0}


def test_every_number_reads_on_paper_and_fits_its_region():
    """Printed 17 cm long, a 800 px sheet's numbers are all ≥ 7 pt: strips too narrow to hold
    one join a neighbour instead of carrying an unreadable number; the key is 9 pt."""
    from engine.lesson.sheet import KEY_PT, MIN_PRINT_PT
    from engine.regions import inside_distance

    rng = np.random.default_rng(4)
    image = np.empty((600, 800, 3), dtype=np.uint8)
    image[:, :] = COLOURS[3]
    for x in range(0, 800, 40):  # 6 px strips, 34 px gaps, in three colours
        image[:, x : x + 6] = COLOURS[x // 40 % 3]
    image[100:300, 100:400] = COLOURS[0]
    image += rng.integers(0, 3, image.shape, dtype=np.uint8)  # a photo is never flat
    palette, labels = extract_with_labels(image, 4)
    sheet = make_sheet(labels, palette, smoothing=1)
    assert (sheet.font_sizes / sheet.px_per_pt >= MIN_PRINT_PT - 1e-9).all()
    room = inside_distance(sheet.regions)[sheet.label_points[:, 0], sheet.label_points[:, 1]]
    digits = np.array([len(str(c + 1)) for c in sheet.region_colors])
    assert (np.hypot(0.6 * digits, 0.75) * sheet.font_sizes / 2 <= room + 1e-6).all()  # each number inside
    assert not np.isin(np.arange(0, 800, 40) + 3, np.flatnonzero(np.diff(sheet.labels[450]) != 0)).all()
    root = ET.fromstring(sheet.svg())
    key_text = [t for t in root.iter(f"{SVG}text") if t.text and "#" in t.text]
    key_font = float(next(g.get("font-size") for g in root.iter(f"{SVG}g") if g.get("font-size")))
    assert key_text and key_font / sheet.px_per_pt >= KEY_PT - 0.01
