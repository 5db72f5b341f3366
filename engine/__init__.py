"""Painting Assistant's image and ML engine.

Pure NumPy / TensorFlow / scikit code: arrays in, arrays out. Nothing here imports
Django, so every capability can be used and measured from ``python -m engine``.
"""
