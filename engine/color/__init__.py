"""Colour: spaces, differences, clustering and names — the base every other subpackage uses.

:mod:`~engine.color.spaces` converts sRGB ↔ linear RGB, CIELAB, Oklab and YIQ luminance,
and measures CIEDE2000 differences; :mod:`~engine.color.kmeans` clusters weighted colours;
:mod:`~engine.color.luminance` separates luminance from chroma (colour-preserving style
transfer); :mod:`~engine.color.names` names colours for people. Depends on NumPy only
(and ``webcolors`` for the CSS3 name table); nothing else in the engine.
"""
