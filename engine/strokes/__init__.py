"""Brush strokes: rendering them, and synthetic paintings made of them.

:mod:`~engine.strokes.render` draws one stroke; :mod:`~engine.strokes.synth` paints random
synthetic paintings whose strokes each record their depth layer (ground truth, which
:mod:`engine.layers` trains and scores on); :mod:`~engine.strokes.styles` renders the
built-in brush-stroke style images. Depends on :mod:`engine.color` (and
:mod:`engine.errors` for its input errors) only.
"""
