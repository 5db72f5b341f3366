"""Style transfer: a photo repainted in a style image's manner (Gatys et al., VGG19).

:mod:`~engine.transfer.stylize` runs a transfer (``run_transfer``, ``TransferSettings``
and its presets); :mod:`~engine.transfer.vgg` loads VGG19 and its weights (ImageNet,
offline from a package, or seeded random ones for tests); :mod:`~engine.transfer.losses`
is the objective (the original project's, reproduced); :mod:`~engine.transfer.optimizers`
holds a projected L-BFGS and Adam; :mod:`~engine.transfer.presets`, :mod:`~engine.transfer.starts` and
:mod:`~engine.transfer.timing` name the settings, starts and running times;
:mod:`~engine.transfer.original` is the original recipe kept as
the baseline. Depends on :mod:`engine.color`, :mod:`engine.imageio`, Keras 3 on
TensorFlow and SciPy, imported only when a model is first built.
"""
