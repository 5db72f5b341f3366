"""Check my canvas: a photo of the painter's canvas compared with the step it should match.

:func:`engine.check.pipeline.check_photo` is the entry point (photo, target, canvas size,
optionally the plan's palette, the step's brush and user-dragged corners, in; a
:class:`~engine.check.findings.Findings` out, with ``to_json()`` and ``picture()``).
Behind it, one module per idea: :mod:`~engine.check.corners` finds the painted rectangle
in the photo (:mod:`~engine.check.corner_search` holds the search,
:mod:`~engine.check.geometry` corner order and homographies) and rectifies it;
:mod:`~engine.check.light` undoes the colour cast, uneven light and tone curve with a
robust fit against the target; :mod:`~engine.check.compare` finds what a painter would
fix at the brush's scale; :mod:`~engine.check.palette` says which paint belongs where;
:mod:`~engine.check.advice` words each region; :mod:`~engine.check.findings` is the
result and its picture. :mod:`~engine.check.synthetic_painting`,
:mod:`~engine.check.synthetic_scene` and :mod:`~engine.check.synthetic_photo` make test
photos with known corners and mistakes (for the benchmark and the tests; the checker
never imports them). Uses OpenCV (edges, Hough lines, homographies, ECC, warps),
scikit-image (hysteresis), :mod:`engine.color` (CIELAB, CIEDE2000, names),
:mod:`engine.imageio` and the canvas sizes of :mod:`engine.lesson.grid`; nothing imports
it but the command line, the benchmarks and (later) the studio.
"""
