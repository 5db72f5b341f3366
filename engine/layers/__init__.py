"""Paint order: which parts of a finished painting were painted first (research).

:mod:`~engine.layers.predict` proposes a painting's layers, back to front, from the
picture alone; it is reached only from ``python -m engine layers`` (the product's lesson
orders its steps with :mod:`engine.plan` instead). It cuts the picture into colour
regions and finds their borders (:mod:`~engine.layers.regions`), reads occlusion cues
along every shared border (:mod:`~engine.layers.cues`, with the border's place on each
region's axes from :mod:`~engine.layers.geometry` and a learnt cue from the outlines
around border edges, :mod:`~engine.layers.patches`) and both regions' shapes
(:mod:`~engine.layers.shape`),
turns them into log-odds with gradient-boosted trees stored as JSON
(:mod:`~engine.layers.model`, ``data/occlusion.json``), ranks the regions, and reads
every pair once more beside its neighbourhood (:mod:`~engine.layers.context`).
:mod:`~engine.layers.train` fits the trees and :mod:`~engine.layers.evaluate` scores
predictions, both on synthetic paintings with a known paint order
(:mod:`engine.strokes.synth`). The model was trained on 256 px paintings: give it
pictures of about 256 px on their long side (smaller ones are read enlarged to 256 px).
Depends on :mod:`engine.color`, :mod:`engine.errors`,
:mod:`engine.imageio`, :mod:`engine.regions` and :mod:`engine.strokes`; scikit-learn for
training only; the evaluation also scores :mod:`engine.plan`'s layers.
"""
