"""Fixtures shared by the paint-order tests: tiny tree settings and one painting's regions."""

import pytest

from engine.layers.cues import pair_features
from engine.layers.model import at_model_scale
from engine.layers.predict import load_model
from engine.layers.regions import segment_regions
from engine.layers.shape import region_features
from engine.strokes.synth import paint

#: Gradient-boosted trees small enough to fit in a second (the shipped model's settings
#: take minutes): what training does is tested, not how well the shipped trees rank.
TINY_TREES = dict(learning_rate=0.3, max_iter=10, max_leaf_nodes=7, max_bins=31, min_samples_leaf=20,
                  random_state=0)


@pytest.fixture
def tiny_trees() -> dict:
    return dict(TINY_TREES)


@pytest.fixture(scope="session")
def painted_regions():
    """A 96 px synthetic painting cut into regions, with its cues (shipped patch trees) and shapes:
    ``(painting, labels, colours, pairs, cues, border, region)``; ``labels`` at the scale the
    model reads them (256 px), where the cues were measured."""
    painting = paint((96, 96), seed=3, grid_scale=16)
    labels, colours = segment_regions(painting.image)
    labels = at_model_scale(labels)
    pairs, cues, border = pair_features(labels, colours, patches=load_model().require_patches())
    return painting, labels, colours, pairs, cues, border, region_features(labels, colours, pairs)
