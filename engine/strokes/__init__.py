"""Brush strokes: rendering them, synthetic paintings made of them, and their layers.

:mod:`~engine.strokes.render` draws one stroke; :mod:`~engine.strokes.synth` paints random
synthetic paintings whose strokes each record their depth layer (ground truth);
:mod:`~engine.strokes.styles` renders the built-in brush-stroke style images;
:mod:`~engine.strokes.layers` decomposes a painting into layers (occlusion cues from
:mod:`~engine.strokes.layers_regions`, :mod:`~engine.strokes.layers_geometry` and
:mod:`~engine.strokes.layers_patches`, region shapes from :mod:`~engine.strokes.layers_shape`,
gradient-boosted trees stored as JSON by :mod:`~engine.strokes.layers_model`, a second pass
over each pair's neighbourhood in :mod:`~engine.strokes.layers_context`, all trained by
:mod:`~engine.strokes.layers_train`), scored by :mod:`~engine.strokes.layers_eval`.
Depends on :mod:`engine.color`, :mod:`engine.imageio` and :mod:`engine.regions`; the
evaluation also scores :mod:`engine.plan`'s layers.
"""
