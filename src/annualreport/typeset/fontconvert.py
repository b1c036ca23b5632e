"""Converting a CFF (PostScript-outline) face to TrueType outlines, for typeset/fonts.py: WeasyPrint subsets a
CFF face about five times slower than a TrueType one, on every PDF, so the faces are converted once."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def cff_passes_skipped(font):
    """Subsetting a CFF face that `to_truetype` replaces right after: skip the CFF-only passes whose work
    is thrown away with the CFF table (pruning unused subroutines, about 7 s a face) and, for a CID-keyed
    face (CJK fonts are; CID fonts cannot use seac accents), the seac closure (about 6 s). Same glyphs,
    same bytes."""
    from fontTools import subset  # noqa: F401  (adds the subsetting methods to the table classes)
    from fontTools.ttLib import getTableClass

    cls = getTableClass("CFF ")
    saved = cls.closure_glyphs, cls.prune_post_subset
    cls.prune_post_subset = lambda self, ttfont, options: True
    if hasattr(font["CFF "].cff[0], "ROS"):
        cls.closure_glyphs = lambda self, s: None
    try:
        yield
    finally:
        cls.closure_glyphs, cls.prune_post_subset = saved


def to_truetype(font) -> None:
    """Replace a CFF face's cubic outlines by quadratic `glyf` ones (fontTools cu2qu, 1 unit tolerance)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones, maxp.maxSizeOfInstructions, maxp.maxComponentElements = 1, 0, 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["glyf"], font["loca"], font["maxp"] = glyf, newTable("loca"), maxp
    font.sfntVersion = "\x00\x01\x00\x00"
    font["head"].glyphDataFormat = 0
