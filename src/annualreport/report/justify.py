"""Chinese text justified to the margin in the PDF, as a print office sets it.

WeasyPrint justifies a line by widening its spaces only (`layout.inline.count_expandable_spaces`, and the word
spacing `text.line_break.Layout.set_text` adds to each space): Chinese has none, so a line whose last characters
were pushed to the next one (a closing mark may not start a line, 避头尾; a run of digits is not split) ends short
of the margin. `install()` lets the same mechanism widen the gap after each Chinese character too: the line's
extra width is shared between its spaces and its Chinese characters, and Pango draws each character with that much
more letter spacing. Only justified lines change (a paragraph's last line, headings and tables do not); the text of
the PDF is the same characters.

Written against WeasyPrint 70 (pinned in requirements.lock); `install()` refuses another major version, and
tests/report/test_layout_pdf.py measures the lines.
"""

from __future__ import annotations

import re

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango, unicode_to_char_p

SUPPORTED = "70."
# Chinese characters, their punctuation and full-width forms, and the quotation marks Chinese text uses.
CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d\u2026\u00b7\u2014]")
_state = {"installed": False}


def count(box) -> int:
    """Expandable gaps of a box: its spaces (as WeasyPrint counts them) and its Chinese characters."""
    if isinstance(box, boxes.TextBox):
        return box.text.count(" ") + box.text.count("\u00a0") + len(CJK.findall(box.text))
    if isinstance(box, boxes.LineBox | boxes.InlineBox):
        return sum(count(child) for child in box.children)
    return 0


def install() -> None:
    """Make WeasyPrint's justification widen Chinese lines (once per process)."""
    if _state["installed"]:
        return
    if not weasyprint.__version__.startswith(SUPPORTED):
        raise RuntimeError(f"report/justify.py is written for WeasyPrint {SUPPORTED}x, not {weasyprint.__version__}")
    original = line_break.Layout.set_text

    def set_text(self, text, justify=False):
        original(self, text, justify)
        spacing = self.justification_spacing if justify else 0
        if not spacing or not CJK.search(self.text):
            return
        letter = self.style["letter_spacing"]
        letter = 0 if letter == "normal" else letter
        _, bytestring = unicode_to_char_p(self.text)
        attrs = pango.pango_layout_get_attributes(self.layout)
        if attrs == ffi.NULL:
            attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        last = len(bytestring)
        offset = 0
        for char in self.text:
            size = len(char.encode("utf-8"))
            if CJK.match(char):
                # Pango gives a run's first and last character half their letter spacing (see set_text's spaces)
                factor = 1 + (offset == 0 or offset + size == last)
                attr = pango.pango_attr_letter_spacing_new(int((factor * spacing + letter) * TO_UNITS))
                attr.start_index, attr.end_index = offset, offset + size
                pango.pango_attr_list_change(attrs, attr)
            offset += size
        pango.pango_layout_set_attributes(self.layout, attrs)

    line_break.Layout.set_text = set_text
    inline.count_expandable_spaces = count
    _state["installed"] = True
