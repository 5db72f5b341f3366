import numpy as np
import pytest
from scipy import ndimage

from engine.strokes.styles import DEFAULT_STYLES, get_style, render_style


def test_catalogue_has_several_named_palettes_and_a_default_first():
    slugs = [spec.slug for spec in DEFAULT_STYLES]
    assert len(slugs) >= 4 and len(set(slugs)) == len(slugs)
    assert DEFAULT_STYLES[0].slug == "brush-strokes"
    assert all(spec.name and spec.description for spec in DEFAULT_STYLES)
    assert get_style("brush-strokes-ocean").slug == "brush-strokes-ocean"


@pytest.fixture(scope="module")
def renders():
    return {spec.slug: render_style(spec.slug, size=192) for spec in DEFAULT_STYLES}


def test_render_is_deterministic_rgb(renders):
    image = renders["brush-strokes"]
    assert image.shape == (192, 192, 3) and image.dtype == np.uint8
    np.testing.assert_array_equal(render_style("brush-strokes", size=192), image)


def test_styles_are_covered_with_textured_strokes(renders):
    for slug, image in renders.items():
        spec = get_style(slug)
        grey = image.astype(np.float64).mean(axis=2)
        # Fine texture: bristle streaks and edges give local contrast everywhere.
        fine = np.abs(grey - ndimage.uniform_filter(grey, 5))
        assert fine.mean() > 2.0, slug
        # Good coverage: little of the bare canvas tone remains.
        bare = np.all(np.abs(image.astype(int) - spec.canvas) < 6, axis=2).mean()
        assert bare < 0.15, slug


def test_palettes_give_different_pictures(renders):
    means = np.array([image.reshape(-1, 3).mean(axis=0) for image in renders.values()])
    distances = np.linalg.norm(means[:, None] - means[None], axis=2)[np.triu_indices(len(means), 1)]
    assert distances.min() > 10


def test_unknown_style_or_size_raises_value_error():
    with pytest.raises(ValueError, match="brush-strokes"):
        render_style("nope")
    with pytest.raises(ValueError):
        render_style("brush-strokes", size=10)
