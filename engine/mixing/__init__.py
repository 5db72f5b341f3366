"""Paint mixing: which of a painter's tube paints to mix, in what parts, for each colour.

:mod:`~engine.mixing.paints` holds the built-in default set of artist tube paints (names
and masstone colours, with their source) and reads and checks a user's set from JSON;
:mod:`~engine.mixing.model` predicts the colour of a mix subtractively (spectral
upsampling of sRGB to reflectance, Kubelka–Munk mixing, back to sRGB);
:mod:`~engine.mixing.recipes` finds, for every palette colour, the best mix of up to three
paints in small whole parts, its predicted colour and CIEDE2000 error, and flags colours
the set cannot reach. Depends on NumPy, ``colour-science`` (spectral upsampling and
colorimetry) and :mod:`engine.color` (CIELAB, CIEDE2000); nothing else in the engine.
"""
