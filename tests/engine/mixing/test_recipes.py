"""Recipe search: measured ΔE of the chosen mixes, determinism, small sets, the command line."""

import json
import time

import numpy as np
import pytest

from engine.cli import main
from engine.color.spaces import delta_e_ciede2000, rgb_to_lab
from engine.mixing.model import mix_rgb
from engine.mixing.paints import DEFAULT_PAINTS, Paint, default_paint
from engine.mixing.recipes import (
    REACHABLE_DELTA_E, MixTable, describe, mix_table, palette_recipes, parse_recipe, recipes_for,
)

WHITE, BLUE = default_paint("titanium white"), default_paint("ultramarine blue")


def test_a_colour_of_the_set_gets_that_paint_alone():
    targets = np.array([paint.rgb for paint in DEFAULT_PAINTS], dtype=np.uint8)
    for paint, recipe in zip(DEFAULT_PAINTS, recipes_for(targets)):
        assert recipe.parts == ((paint.name, 1),)
        assert recipe.delta_e < 1.0 and recipe.reachable


def test_predicted_colour_and_delta_e_are_those_of_the_recipe():
    rng = np.random.default_rng(3)
    targets = rng.integers(0, 256, (12, 3)).astype(np.uint8)
    by_name = {paint.name: paint for paint in DEFAULT_PAINTS}
    for target, recipe in zip(targets, recipes_for(targets)):
        assert 1 <= len(recipe.parts) <= 3
        assert all(isinstance(n, int) and n >= 1 for _, n in recipe.parts)
        # mixing the written recipe again gives the predicted colour
        again = mix_rgb(np.array([by_name[name].rgb for name, _ in recipe.parts], dtype=np.uint8),
                        [n for _, n in recipe.parts])
        assert np.abs(again.astype(int) - recipe.predicted_rgb).max() <= 1
        measured = delta_e_ciede2000(rgb_to_lab(target), rgb_to_lab(np.array(recipe.predicted_rgb, np.uint8)))
        assert recipe.delta_e == pytest.approx(float(measured), abs=1e-6)
        assert recipe.reachable == (recipe.delta_e <= REACHABLE_DELTA_E)


def test_search_finds_a_mix_it_can_make():
    target = mix_rgb(np.array([WHITE.rgb, BLUE.rgb, default_paint("burnt umber").rgb], np.uint8), [6, 2, 1])
    (recipe,) = recipes_for(target[None])
    assert recipe.delta_e < 1.0


def test_search_is_deterministic():
    rng = np.random.default_rng(11)
    targets = rng.integers(0, 256, (24, 3)).astype(np.uint8)
    first = recipes_for(targets)
    fresh = MixTable(DEFAULT_PAINTS).search(targets)
    reversed_order = MixTable(DEFAULT_PAINTS).search(targets[::-1])[::-1]
    assert first == fresh == reversed_order


def test_one_paint_sets_tint_only_with_white():
    blue_only = (Paint("ultramarine blue", BLUE.rgb),)
    pale_blue = mix_rgb(np.array([WHITE.rgb, BLUE.rgb], np.uint8), [8, 1])
    (alone,) = recipes_for(np.array([pale_blue, BLUE.rgb], np.uint8), blue_only)[:1]
    assert alone.parts == (("ultramarine blue", 1),) and not alone.reachable
    (tinted,) = recipes_for(pale_blue[None], (WHITE, BLUE))
    assert {name for name, _ in tinted.parts} == {"titanium white", "ultramarine blue"}
    assert tinted.reachable and tinted.delta_e < 1.0
    (white_alone,) = recipes_for(pale_blue[None], (WHITE,))
    assert white_alone.parts == (("titanium white", 1),) and not white_alone.reachable


def test_twenty_four_colours_within_a_second_once_the_set_is_prepared():
    table = mix_table(DEFAULT_PAINTS)
    targets = np.random.default_rng(5).integers(0, 256, (24, 3)).astype(np.uint8)
    start = time.perf_counter()
    table.search(targets)
    assert time.perf_counter() - start < 1.0


def test_large_sets_get_a_coarser_grid_and_still_work():
    rng = np.random.default_rng(2)
    paints = [Paint(f"paint {i}", tuple(int(v) for v in rng.integers(0, 256, 3))) for i in range(30)]
    table = MixTable(paints)
    assert table.max_total < 16 and len(table) <= 600_000
    assert len(table.search(np.array([[120, 80, 40]], np.uint8))) == 1


def test_parse_recipe_and_words():
    terms = parse_recipe("2 parts Titanium White + ultramarine blue")
    assert [(paint.name, parts) for paint, parts in terms] == [("titanium white", 2.0), ("ultramarine blue", 1.0)]
    with pytest.raises(ValueError, match="no paint called 'ultramarine'"):
        parse_recipe("1 ultramarine")
    with pytest.raises(ValueError, match="once"):
        parse_recipe("1 ivory black + 2 ivory black")
    assert describe([("titanium white", 3), ("burnt umber", 1)]) == "3 parts titanium white + 1 part burnt umber"
    assert describe([("sap green", 1)]) == "sap green alone"


def test_palette_recipes_reads_the_palette_command_output():
    palette = {"colors": [{"number": 1, "hex": "#808080", "rgb": [128, 128, 128]}, {"rgb": [10, 60, 20]}]}
    assert [r.hex for r in palette_recipes(palette)] == ["#808080", "#0a3c14"]
    with pytest.raises(ValueError, match='"colors" list'):
        palette_recipes({"colours": []})
    with pytest.raises(ValueError, match="colour 1 has no valid"):
        palette_recipes({"colors": [{"hex": "grey"}]})


def test_command_line(tmp_path, capsys):
    palette = tmp_path / "palette.json"
    palette.write_text(json.dumps({"colors": [{"hex": "#f5f2e1"}, {"hex": "#4a6b3c"}]}))
    assert main(["mix", "--palette", str(palette), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [set(c) for c in out["colors"]] == [{"hex", "recipe", "predicted_hex", "delta_e", "reachable"}] * 2
    assert out["colors"][0]["recipe"] == [{"paint": "titanium white", "parts": 1}]

    paints = tmp_path / "set.json"
    paints.write_text(json.dumps([{"name": "white", "hex": "#ffffff"}, {"name": "lemon", "hex": "#f0e000"},
                                  {"name": "navy", "hex": "#101850"}]))
    assert main(["mix", "--recipe", "1 navy + 1 lemon", "--paints", str(paints), "--json"]) == 0
    mixed = json.loads(capsys.readouterr().out)
    assert set(mixed) == {"hex", "rgb"} and mixed["hex"] == "#{:02x}{:02x}{:02x}".format(*mixed["rgb"])

    paints.write_text(json.dumps([{"name": "white", "hex": "#ggg"}]))
    assert main(["mix", "--recipe", "1 white", "--paints", str(paints)]) == 2
    assert "is not a colour" in capsys.readouterr().err
