"""The second pass: chains through common neighbours, antisymmetric context, and that ranking uses it."""

import copy

import numpy as np
import pytest

from engine.layers.context import (
    PAIR_CONTEXT_NAMES, REGION_CONTEXT_NAMES, chain_evidence, context_inputs, context_logits, context_rows,
)
from engine.layers.cues import FEATURE_NAMES
from engine.layers.model import TreeModel, pair_logits
from engine.layers.predict import load_model, order_regions, rank_from_logits, scores_from_logits
from engine.layers.shape import REGION_NAMES, pair_rows
from engine.layers.train import CONTEXT_WIDTHS, swapped


@pytest.fixture(scope="module")
def first_pass(painted_regions):
    _, labels, colours, pairs, cues, border, region = painted_regions
    logits = pair_logits(load_model(), cues, region, pairs)
    scores = scores_from_logits(len(region), pairs, logits, prior=region[:, 0])
    return labels, colours, pairs, cues, border, region, logits, scores


def test_chains_through_a_common_neighbour_are_read_both_ways():
    # 0 on 1 (2.0), 1 on 2 (1.0), and 0–2 touching too (−0.5: 2 on 0); 3 touches only 2.
    pairs = np.array([[0, 1], [1, 2], [0, 2], [2, 3]])
    chains = chain_evidence(4, pairs, np.array([2.0, 1.0, -0.5, 0.3]))
    np.testing.assert_allclose(chains, [
        [-1.0, 0.5],   # 0 on 2 on 1: min(−0.5, −1); 1 on 2 on 0: min(1, 0.5)
        [-2.0, 0.5],   # 1 on 0 on 2: min(−2, −0.5); 2 on 0 on 1: min(0.5, 2)
        [1.0, -2.0],   # 0 on 1 on 2: min(2, 1); 2 on 1 on 0: min(−1, −2)
        [0.0, 0.0],    # no common neighbour
    ])
    assert chain_evidence(3, np.zeros((0, 2), int), np.zeros(0)).shape == (0, 2)


def test_context_is_antisymmetric_and_so_are_its_log_odds(first_pass):
    _, _, pairs, cues, border, region, logits, scores = first_pass
    pair_context, region_context = context_rows(len(region), pairs, logits, scores, border)
    assert pair_context.shape == (len(pairs), len(PAIR_CONTEXT_NAMES))
    assert region_context.shape == (len(region), len(REGION_CONTEXT_NAMES))
    assert np.isfinite(pair_context).all() and np.isfinite(region_context).all()
    backwards_pairs, backwards_regions = context_rows(len(region), pairs[:, ::-1], -logits, scores, border)
    np.testing.assert_allclose(backwards_pairs, -pair_context, atol=1e-12)
    np.testing.assert_allclose(backwards_regions, region_context, atol=1e-12)

    context = load_model().context
    cue_block, region_block = context_inputs(pairs, logits, scores, border, cues, region)
    assert context.n_features == cue_block.shape[1] + 2 * region_block.shape[1]
    assert cue_block.shape[1] == len(PAIR_CONTEXT_NAMES) + len(FEATURE_NAMES)
    assert region_block.shape[1] == len(REGION_CONTEXT_NAMES) + len(REGION_NAMES)
    forwards = context_logits(context, pairs, logits, scores, border, cues, region)
    backwards = context_logits(context, pairs[:, ::-1], -logits, scores, border, -cues, region)
    np.testing.assert_allclose(backwards, -forwards, atol=1e-12)


def test_the_second_pass_decides_the_order(first_pass):
    labels, colours, pairs, _, _, region, logits, _ = first_pass
    shipped = load_model()
    first_only = copy.copy(shipped)
    first_only.context = None
    # Context trees that see no evidence anywhere: only the prior is left to order regions.
    blind = copy.copy(shipped)
    blind.context = TreeModel(0.0, [{"feature": [-1], "threshold": [0.0], "left": [-1], "right": [-1], "value": [0.0]}],
                              shipped.context.n_features)

    n = len(region)
    np.testing.assert_array_equal(order_regions(labels, colours, model=first_only),
                                  rank_from_logits(n, pairs, logits, prior=region[:, 0]))
    np.testing.assert_array_equal(order_regions(labels, colours, model=blind),
                                  rank_from_logits(n, pairs, np.zeros(len(pairs)), prior=region[:, 0]))
    shipped_rank = order_regions(labels, colours, model=shipped)
    assert sorted(shipped_rank) == list(range(n))
    for other in (first_only, blind):
        assert not np.array_equal(shipped_rank, order_regions(labels, colours, model=other))


def test_context_rows_read_backwards_are_the_training_swap(first_pass):
    _, _, pairs, cues, border, region, logits, scores = first_pass
    cue_block, region_block = context_inputs(pairs, logits, scores, border, cues, region)
    forwards = pair_rows(cue_block, region_block, pairs)
    backwards = pair_rows(cue_block, region_block, pairs, swap=True)
    np.testing.assert_array_equal(swapped(forwards, CONTEXT_WIDTHS), backwards)
