"""engine.transfer.stylize with seeded random VGG19 weights on 32–64 px images."""

import json

import numpy as np
import pytest

from engine.transfer import losses as style_losses
from engine.transfer.presets import DEFAULT_PRESET, PRESETS
from engine.transfer.timing import estimate_seconds
from engine.transfer.stylize import TransferCancelled, TransferSettings, run_transfer, stylize
from engine.transfer.vgg import get_feature_extractor

WEIGHTS = "random:3"


def _photo(h=48, w=64):
    """A smooth 'photo': a bright blob on a colour gradient."""
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    blob = np.exp(-((x - 0.4) ** 2 + (y - 0.3) ** 2) / 0.03)
    rgb = np.stack([0.2 + 0.7 * blob, 0.3 + 0.4 * y, 0.8 - 0.5 * x], axis=-1)
    return (np.clip(rgb, 0, 1) * 255).astype(np.uint8)


def _strokes(size=64):
    """A 'style': high-frequency diagonal coloured stripes."""
    y, x = np.mgrid[0:size, 0:size] / size
    wave = 0.5 + 0.5 * np.sin(60 * (x + y))
    rgb = np.stack([wave, 1 - wave, 0.5 + 0.4 * np.cos(35 * (x - y))], axis=-1)
    return (rgb * 255).astype(np.uint8)


def _settings(**overrides):
    # Exact budgets (not grown or shrunk with the size): the tests count steps.
    base = dict(size=64, weights=WEIGHTS, iterations=8, preview_every=0, start="photo", grow_iterations=False)
    return TransferSettings.preset("standard", **{**base, **overrides})


def _gram_distance(image, style):
    """Original style loss of ``image`` against ``style`` (both resized alike by the caller)."""
    extractor = get_feature_extractor(WEIGHTS)
    return style_losses.judge(extractor, image, image, style)["style_loss"]


def test_loss_decreases_below_the_photos_own():
    content, style = _photo(), _strokes()
    updates = []
    result = run_transfer(content, style, _settings(iterations=30), updates.append)
    losses = [u.loss for u in updates]
    start = style_losses.judge(get_feature_extractor(WEIGHTS), content,
                               content, _resize_style_like(style, content))
    assert result.total_loss < 0.7 * start["total_loss"]
    assert losses[-1] < losses[0]
    assert result.steps == 30 and result.image.dtype == np.uint8


def _resize_style_like(style, content):
    from engine.transfer.stylize import _resize_style

    return _resize_style(style, content.shape[1], content.shape[0], 1.0)


def test_content_only_run_returns_close_to_the_photo():
    content, style = _photo(), _strokes()
    # From the photo itself there is nothing to change.
    same = stylize(content, style, _settings(style_strength=0.0))
    assert np.abs(same.astype(int) - content).max() <= 2
    # From the original's noisy start it pulls the features back to the photo's.
    noisy = _settings(style_strength=0.0, init_noise=0.2, iterations=30)
    start = np.clip(content / 255.0 + np.random.default_rng(0).uniform(-0.2, 0.2, content.shape),
                    0, 1)
    result = stylize(content, style, noisy)
    extractor = get_feature_extractor(WEIGHTS)
    before = style_losses.judge(extractor, start, content, style)["content_loss"]
    after = style_losses.judge(extractor, result, content, style)["content_loss"]
    assert after < 0.1 * before


def test_style_only_run_moves_grams_toward_the_style():
    content, style = _photo(64, 64), _strokes(64)
    result = stylize(content, style, _settings(style_strength=100.0, iterations=15))
    assert _gram_distance(result, style) < 0.3 * _gram_distance(content, style)


def test_aspect_ratio_is_kept_and_size_is_the_long_side():
    tall = _photo(96, 60)
    result = stylize(tall, _strokes(), _settings(size=64, iterations=2))
    assert result.shape == (64, 40, 3)
    wide = stylize(_photo(40, 80), _strokes(), _settings(size=64, iterations=2))
    assert wide.shape == (32, 64, 3)


def test_progress_reports_steps_previews_and_can_cancel():
    updates = []
    run_transfer(_photo(64, 64), _strokes(), _settings(preview_every=3), updates.append)
    steps = [u.step for u in updates]
    assert steps == sorted(steps) and steps[-1] <= updates[-1].total == 8
    assert {u.optimised_size for u in updates} == {(64, 64)}
    previews = [u.preview for u in updates if u.preview is not None]
    assert previews and all(p.dtype == np.uint8 and p.ndim == 3 for p in previews)

    calls = []

    def cancel_at_three(update):
        calls.append(update.step)
        return update.step < 3

    with pytest.raises(TransferCancelled):
        run_transfer(_photo(), _strokes(), _settings(), cancel_at_three)
    assert calls == [1, 2, 3]


def test_same_seed_same_output_other_seed_differs():
    settings = _settings(start="noisy", init_noise=0.1, iterations=4, seed=5)
    first = stylize(_photo(), _strokes(), settings)
    again = stylize(_photo(), _strokes(), settings)
    other = stylize(_photo(), _strokes(), _settings(start="noisy", init_noise=0.1, iterations=4, seed=6))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_preserve_colors_keeps_the_photos_chroma():
    from engine.color.luminance import RGB_TO_YIQ

    content, style = _photo(), _strokes()
    result = stylize(content, style, _settings(preserve_colors=True, style_strength=10.0))
    plain = stylize(content, style, _settings(style_strength=10.0))

    def chroma(image):
        return (image / 255.0) @ RGB_TO_YIQ[1:].T

    kept = np.abs(chroma(result) - chroma(content)).mean()
    assert kept < 0.02 < np.abs(chroma(plain) - chroma(content)).mean()
    assert np.abs(result.astype(int) - content).mean() > 2  # the luminance did change


def test_tv_weight_smooths_and_style_scale_matters():
    from keras import ops

    content, style = _photo(), _strokes()

    def roughness(image):
        return float(ops.convert_to_numpy(style_losses.total_variation(image[None] / 255.0)))

    sharp = stylize(content, style, _settings(style_strength=10.0))
    smooth = stylize(content, style, _settings(style_strength=10.0, tv_weight=1.0))
    assert roughness(smooth) < 0.8 * roughness(sharp)
    bigger = stylize(content, style, _settings(style_strength=10.0, style_scale=2.0))
    assert np.abs(bigger.astype(int) - sharp).mean() > 1


def test_original_preset_is_the_original_recipe():
    original = TransferSettings.preset("original")
    assert (original.optimizer, original.iterations, original.learning_rate, original.start,
            original.init_noise, original.size, original.crop_square) == (
        "adam", 2000, 0.03, "noisy", 0.2, 400, True)
    result = run_transfer(_photo(), _strokes(), TransferSettings.preset(
        "original", size=48, iterations=3, weights=WEIGHTS))
    # Both pictures are cropped to centred squares, as the original did.
    assert result.steps == 3 and result.image.shape == (48, 48, 3)


def test_greyscale_and_rgba_inputs_are_converted():
    grey = _photo()[:, :, 0]
    rgba = np.dstack([_photo(), np.full(grey.shape, 255, np.uint8)])
    for content in (grey, rgba):
        assert stylize(content, _strokes(), _settings(iterations=1)).shape == (48, 64, 3)


@pytest.mark.parametrize("content, message", [
    (np.zeros((0, 0, 3), np.uint8), "empty"),
    (np.zeros((48, 64, 3), np.int64), "dtype"),
    (np.zeros((20, 64, 3), np.uint8), "at least 32"),
    (np.zeros((48, 64, 5), np.uint8), "shape"),
])
def test_bad_images_raise_value_error(content, message):
    with pytest.raises(ValueError, match=message):
        stylize(content, _strokes(), _settings())


@pytest.mark.parametrize("overrides", [dict(size=4096), dict(size=16), dict(style_scale=0),
                                       dict(tv_weight=-1), dict(scale=0), dict(scale=1.5),
                                       dict(iterations=0), dict(iterations=2.5)])
def test_bad_settings_raise_value_error(overrides):
    with pytest.raises(ValueError):
        TransferSettings.preset("standard", **overrides)
    with pytest.raises(ValueError, match="unknown preset"):
        TransferSettings.preset("turbo")


def test_presets_and_estimates_are_ordered():
    assert set(PRESETS) == {"original", "quick", "standard", "fine"}
    assert TransferSettings() == TransferSettings.preset(DEFAULT_PRESET)
    assert TransferSettings.preset("fine", size=300).preset == "fine"
    times = [estimate_seconds(name, 400) for name in ("quick", "standard", "fine", "original")]
    assert times == sorted(times)
    assert estimate_seconds("standard", 256) < estimate_seconds("standard", 512)
    assert estimate_seconds("standard", 512, device="gpu") < estimate_seconds("standard", 512)


def _cli(argv):
    """Run ``python -m engine stylize`` in-process (the model stays built between tests)."""
    import argparse

    from engine.cli import stylize as command

    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_writes_png_and_json(tmp_path, capsys):
    from engine import imageio

    content, style, out = tmp_path / "c.png", tmp_path / "s.png", tmp_path / "out.png"
    imageio.save_image(content, _photo())
    imageio.save_image(style, _strokes())
    status = _cli(["stylize", str(content), str(style), "-o", str(out), "--preset", "quick",
                   "--size", "64", "--weights", WEIGHTS, "--json"])
    assert status == 0
    payload = json.loads(capsys.readouterr().out)
    assert imageio.load_image(out).shape == (48, 64, 3)
    assert payload["steps"] > 0 and payload["total_loss"] > 0 and payload["seconds"] > 0
    assert payload["weights"].startswith("random (seed 3)") and payload["size"] == 64


def test_cli_bad_input_is_a_value_error(tmp_path):
    from engine import imageio

    imageio.save_image(tmp_path / "c.png", _photo())
    with pytest.raises(ValueError, match="size"):
        _cli(["stylize", str(tmp_path / "c.png"), str(tmp_path / "c.png"), "-o",
              str(tmp_path / "o.png"), "--size", "5000", "--weights", WEIGHTS])
    with pytest.raises(ValueError, match="does not exist"):
        _cli(["stylize", str(tmp_path / "nope.png"), str(tmp_path / "c.png"), "-o",
              str(tmp_path / "o.png"), "--weights", WEIGHTS])


def test_bench_transfer_prints_the_figures(capsys):
    """Smoke run of ``python -m engine bench transfer`` (tiny, shortened baseline)."""
    import argparse

    from engine.benchmarks import transfer as bench

    parser = argparse.ArgumentParser()
    bench.register(parser.add_subparsers())
    args = parser.parse_args(["transfer", "--size", "32", "--weights", WEIGHTS,
                              "--baseline-steps", "3", "--json"])
    assert args.func(args) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("size", "objective", "weights", "baseline_seconds", "baseline_loss",
                "engine_seconds", "engine_loss", "ratio", "peak_rss_mb"):
        assert key in report
    assert report["size"] == 32 and report["baseline_seconds_extrapolated"] is True
    # No verdict against a cut-short baseline without a cached full one at this size.
    assert report["baseline_loss"] is None and report["engine_loss_le_baseline"] is None
    assert report["ratio"] == pytest.approx(report["baseline_seconds"] / report["engine_seconds"])


def test_matched_start_takes_the_styles_colours_and_texture():
    from engine.transfer.starts import fine_texture, match_colours, photo_start

    photo, style = _photo().astype(np.float32) / 255, _strokes(80).astype(np.float32) / 255
    matched = match_colours(photo, style)
    np.testing.assert_allclose(matched.reshape(-1, 3).mean(0), style.reshape(-1, 3).mean(0), atol=1e-4)
    np.testing.assert_allclose(np.cov(matched.reshape(-1, 3).T), np.cov(style.reshape(-1, 3).T),
                               atol=1e-3)
    detail = fine_texture(style, photo.shape[:2])
    assert detail.shape == photo.shape and abs(float(detail.mean())) < 0.02
    start = photo_start(photo, style, kind="matched")
    assert start.shape == (1, *photo.shape) and 0 <= start.min() and start.max() <= 1
    np.testing.assert_array_equal(photo_start(photo, style, kind="photo")[0], photo)
    noisy = photo_start(photo, style, kind="noisy", noise=0.2, seed=1)[0]
    assert 0 < np.abs(noisy - photo).max() <= 0.2 + 1e-6
    with pytest.raises(ValueError, match="start"):
        photo_start(photo, style, kind="sketch")


def test_lbfgs_history_is_capped_by_memory():
    from engine.transfer.stylize import _capped_history

    assert _capped_history(50, 256 * 256) == 50
    assert _capped_history(50, 1024 * 1024) * 24 * 1024 * 1024 <= 5e8
    assert _capped_history(50, 2048 * 2048) == 5


@pytest.mark.parametrize("preset, size, budget", [
    ("standard", 128, 214), ("standard", 256, 255), ("standard", 512, 303),
    ("fine", 256, 510), ("quick", 512, 30), ("original", 400, 2000),
])
def test_each_presets_budget_at_a_size(preset, size, budget):
    # standard and fine grow slowly with the size (a margin: the iterations measured to
    # pass the original's loss were the same at 256 and 400 px); quick and original do not.
    from engine.transfer.stylize import TransferSettings, optimisation_plan

    settings = TransferSettings.preset(preset, size=size)
    assert optimisation_plan(settings, size, size)[1] == budget


def test_quick_optimises_at_half_size_and_never_below_16_px():
    from engine.transfer.stylize import TransferSettings, optimisation_plan

    quick = TransferSettings.preset("quick", size=512)
    assert optimisation_plan(quick, 512, 384) == ((256, 192), 30)
    assert optimisation_plan(quick, 512, 32)[0] == (256, 16)
    assert optimisation_plan(TransferSettings.preset("fine", size=300), 300, 200)[0] == (300, 200)
