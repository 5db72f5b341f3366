"""Stroke plans: how to paint a picture stroke by stroke, back to front, coarse to fine.

:mod:`~engine.plan.planner` recovers an ordered plan of real brush strokes from a picture
and its numbered palette (Hertzmann's curved strokes of several brush sizes, widths in
mm on the canvas); :mod:`~engine.plan.model` holds the plan, its JSON form and its
validator; :mod:`~engine.plan.render` paints a plan (the only renderer, so the pictures
are exactly what the plan says); :mod:`~engine.plan.stroke_map` draws each layer's
strokes as an SVG and :mod:`~engine.plan.timelapse` animates the painting stroke by
stroke; :mod:`~engine.plan.measures` scores fidelity and economy.
:mod:`~engine.plan.levels` sets how much a painter is asked to do,
:mod:`~engine.plan.masses` the block-in's value masses and each layer's mixes,
:mod:`~engine.plan.substeps` splits each layer into one sub-step per mix (dark to light),
:mod:`~engine.plan.where_to_paint` draws each sub-step's picture and
:mod:`~engine.plan.timing` estimates the minutes. Depends on :mod:`engine.color`,
:mod:`engine.imageio` and :mod:`engine.errors`; :mod:`engine.lesson` builds on it, never
the other way round.
"""
