"""Stroke plans: how to paint a picture stroke by stroke, back to front, coarse to fine.

:mod:`~engine.plan.planner` recovers an ordered plan of real brush strokes from a picture
and its numbered palette (Hertzmann's curved strokes of several brush sizes, widths in
mm on the canvas); :mod:`~engine.plan.model` holds the plan, its JSON form and its
validator; :mod:`~engine.plan.render` paints a plan (the only renderer, so the pictures
are exactly what the plan says); :mod:`~engine.plan.stroke_map` draws each layer's
strokes as an SVG and :mod:`~engine.plan.timelapse` animates the painting stroke by
stroke; :mod:`~engine.plan.measures` scores fidelity and economy. Depends on
:mod:`engine.color`, :mod:`engine.imageio` and the palette of :mod:`engine.lesson`
(never the other way round, except that a lesson may carry a plan).
"""
