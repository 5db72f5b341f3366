"""Colour: spaces, differences, clustering, lettering and names — the base every other subpackage uses.

:mod:`~engine.color.spaces` holds every colour conversion of the engine (sRGB ↔ linear
RGB, CIELAB, Oklab, YIQ and its luma, HSV) and the CIEDE2000 difference;
:mod:`~engine.color.kmeans` is the engine's one k-means (weighted, any dimension);
:mod:`~engine.color.ink` the one rule for black or white lettering on a colour;
:mod:`~engine.color.luminance` separates luminance from chroma (colour-preserving style
transfer); :mod:`~engine.color.names` names colours the way painters do ("warm mid
brown", "deep navy blue"). Depends on NumPy only; nothing else in the engine
(``tests/test_import_graph.py`` checks it). A new colour conversion goes into
:mod:`~engine.color.spaces`, nowhere else.
"""
