"""Paint sets: the default set and user sets read from JSON, with clear errors."""

import json

import pytest

from engine.mixing.paints import DEFAULT_PAINTS, load_paints, parse_hex, validate_paints

REQUIRED = [
    "titanium white", "ivory black", "cadmium yellow light", "yellow ochre", "cadmium red",
    "alizarin crimson", "ultramarine blue", "phthalo blue", "burnt sienna", "burnt umber", "sap green",
]


def test_default_set_has_the_common_tube_paints_once_each():
    names = [paint.name for paint in DEFAULT_PAINTS]
    assert set(REQUIRED) <= set(names)
    assert len(names) == len(set(names))
    assert validate_paints([paint.to_json() for paint in DEFAULT_PAINTS]) == list(DEFAULT_PAINTS)


def test_a_default_paint_may_be_named_without_its_colour():
    paints = validate_paints([{"name": "Burnt Umber"}, {"name": "my teal", "hex": "#008080"}])
    assert paints[0].rgb == next(p.rgb for p in DEFAULT_PAINTS if p.name == "burnt umber")
    assert paints[1].rgb == (0, 128, 128) and paints[1].hex == "#008080"


@pytest.mark.parametrize(
    "entries, message",
    [
        ([], "1 to 30 paints; this one has 0"),
        ({"name": "white"}, "list of paints"),
        ([{"name": "white", "hex": "#fffff"}], "is not a colour"),
        ([{"name": "white", "hex": "bright"}], "is not a colour"),
        ([{"name": "", "hex": "#ffffff"}], "has no name"),
        ([{"name": "white", "hex": "#ffffff"}, {"name": "WHITE", "hex": "#fefefe"}], "twice"),
        ([{"name": "moon dust"}], "needs a colour"),
        ([{"name": f"p{i}", "hex": "#808080"} for i in range(31)], "this one has 31"),
        (["white"], "must be an object"),
    ],
)
def test_bad_sets_get_a_clear_message(entries, message):
    with pytest.raises(ValueError, match=message):
        validate_paints(entries)


def test_load_paints_reads_either_form_and_reports_bad_files(tmp_path):
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"name": "white", "hex": "#ffffff"}]))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"name": "mine", "paints": [{"name": "white", "hex": "ffffff"}]}))
    assert load_paints(listed) == load_paints(wrapped)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_paints(broken)
    with pytest.raises(ValueError, match="no such file"):
        load_paints(tmp_path / "missing.json")


def test_parse_hex():
    assert parse_hex("#A0b1C2") == (160, 177, 194)
    with pytest.raises(ValueError, match="#rrggbb"):
        parse_hex(None)
