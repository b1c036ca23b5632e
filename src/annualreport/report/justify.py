"""Chinese text justified to the margin in the PDF, as a print office sets it.

WeasyPrint justifies a line by widening its spaces only (`layout.inline.count_expandable_spaces`, and the word
spacing `text.line_break.Layout.set_text` adds to each space): Chinese has none, so a line whose last characters
were pushed to the next one (a closing mark may not start a line, 避头尾; a run of digits is not split) ends short
of the margin. `install()` lets the same mechanism widen the gap after each Chinese character too: the line's
extra width is shared between its spaces and its Chinese characters, and Pango draws each character with that much
more letter spacing. Only justified lines change (a paragraph's last line, headings and tables do not); the text of
the PDF is the same characters.

A paragraph whose last line would hold one character (and its closing marks: "识。") is set a little tighter in
a second layout (`tightened`), so that character goes back to the line before, as a print office tightens it.

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


PARAGRAPH = re.compile(r"<p(?=[\s>])")
LETTER = re.compile(r"[^\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\u2018-\u201d\u2026\u00b7\u2014.,;:!?()\[\]]")
PX = 0.75  # WeasyPrint's computed sizes are in CSS px; a pt is 4/3 px


def number_paragraphs(page: str) -> str:
    """Every <p> of the page numbered (`data-p`), so a layout's boxes name their paragraph."""
    count = iter(range(1, 1_000_000))
    return PARAGRAPH.sub(lambda m: f'<p data-p="{next(count)}"', page)


def tightened(document) -> str:
    """CSS that tightens each paragraph whose last line holds a lone character ("" when none). Lines break one at a
    time, so a line takes the next line's first character only when it gains that character's width: the letter
    spacing is reduced by a 28th of the font size (a line of 28 characters gains one), a little more for rounding.
    The lines are justified again afterwards."""
    last: dict[str, tuple[str, int, float, float]] = {}  # data-p -> (last line, lines so far, font size, spacing)
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if not isinstance(box, boxes.BlockBox) or element is None or element.get("data-p") is None:
                continue
            lines = [c for c in box.children if isinstance(c, boxes.LineBox)]
            if not lines:
                continue
            key = element.get("data-p")
            text = "".join(t.text for t in lines[-1].descendants() if isinstance(t, boxes.TextBox))
            before = last.get(key, ("", 0))[1]
            spacing = box.style["letter_spacing"]
            last[key] = (text, before + len(lines), box.style["font_size"], 0 if spacing == "normal" else spacing)
    rules = []
    for key, (text, count_, size, spacing) in sorted(last.items(), key=lambda kv: int(kv[0])):
        if count_ > 1 and len(LETTER.findall(text)) <= 1:
            tighter = (spacing - size / 28 * 1.05) * PX
            rules.append(f'p[data-p="{key}"] {{ letter-spacing: {tighter:.2f}pt !important; }}')
    return "\n".join(rules)
