"""The painter's lesson: what to mix and in which order to paint a picture.

:mod:`~engine.lesson.palette` picks a numbered colour palette; :mod:`~engine.lesson.steps`
orders painting steps from big shapes to fine detail; :mod:`~engine.lesson.sheet` draws a
paint-by-numbers sheet; :mod:`~engine.lesson.values` a value study;
:mod:`~engine.lesson.grid` a drawing grid on the canvas size; :mod:`~engine.lesson.charts`
palette charts; :mod:`~engine.lesson.build` assembles them all into one lesson and
:mod:`~engine.lesson.html` renders it. Depends on :mod:`engine.color`,
:mod:`engine.imageio` and :mod:`engine.regions` (label images); never on style transfer.
"""
