"""Tables of the report page as Word tables (used by `word.Writer`): rows from thead/tbody, cells that
span rows or columns merged, the header rows marked to repeat on each page, column widths by content."""

from __future__ import annotations

import re

from annualreport.report import word_styles as wstyles
from annualreport.report.word_tree import Node, trim

NUMERIC = re.compile(r"[+\-−]?[\d.,]+(%|个百分点)?(（[+\-−]?[\d.,]+%?）)?|—")


def write_table(w, node: Node) -> None:
    """A table of the page as a real Word table: caption above (Caption style), header rows repeating on
    each page, spans merged, numbers right-aligned, widths by content filling the text width. `w` is the
    `word.Writer` writing the document (its `doc` and `paragraph`)."""
    caption = next((c for c in node.elements() if c.tag == "caption"), None)
    if caption is not None and caption.text():
        w.paragraph(caption, "Caption")
    head, body = _rows(node)
    grid = _grid(head + body)
    if not grid:
        return
    ncols = max(len(r) for r in grid)
    table = w.doc.add_table(rows=len(grid), cols=ncols)
    table.style = w.doc.styles["Table Grid"]
    table.alignment = 1  # centred
    numeric = _numeric_columns(grid[len(head) :], ncols)
    for i, row in enumerate(grid):
        for j, slot in enumerate(row):
            if slot is None or slot[0] != (i, j):
                continue
            _, cell_node, rows, cols = slot
            cell = table.cell(i, j)
            if rows > 1 or cols > 1:
                cell = cell.merge(table.cell(i + rows - 1, j + cols - 1))
            para = cell.paragraphs[0]
            para.style = w.doc.styles[wstyles.TABLE_TEXT]
            header = i < len(head) or cell_node.tag == "th"
            para.alignment = 1 if header else (2 if j in numeric else 0)
            w.runs(para, cell_node, bold=header)  # block content inside a cell runs on
            trim(para)
    for n, r in enumerate(table.rows):  # a row stays on one page; the header rows repeat on each
        tr_pr = r._tr.get_or_add_trPr()
        tr_pr.append(wstyles.OxmlElement("w:cantSplit"))
        if n < len(head):
            tr_pr.append(wstyles.OxmlElement("w:tblHeader"))
    _widths(table, grid, ncols, len(head), numeric)


def _rows(table: Node) -> tuple[list[Node], list[Node]]:
    head, body = [], []
    for c in table.elements():
        if c.tag == "thead":
            head += [r for r in c.elements() if r.tag == "tr"]
        elif c.tag in ("tbody", "tfoot"):
            body += [r for r in c.elements() if r.tag == "tr"]
        elif c.tag == "tr":
            body.append(c)
    if not head and body and all(c.tag == "th" for c in body[0].elements()):
        head, body = body[:1], body[1:]
    return head, body


def _span(cell: Node, attr: str) -> int:
    try:
        return max(1, int(cell.attrs.get(attr, "1")))
    except ValueError:
        return 1


def _grid(rows: list[Node]) -> list[list]:
    """Rows of slots; a cell spanning rows or columns fills each of its slots with ((top, left), node, rows, cols)."""
    grid: list[list] = [[] for _ in rows]
    for i, tr in enumerate(rows):
        j = 0
        for cell in (c for c in tr.elements() if c.tag in ("td", "th")):
            while j < len(grid[i]) and grid[i][j] is not None:
                j += 1
            rs, cs = min(_span(cell, "rowspan"), len(rows) - i), _span(cell, "colspan")
            for di in range(rs):
                for dj in range(cs):
                    line = grid[i + di]
                    line.extend([None] * (j + dj + 1 - len(line)))
                    line[j + dj] = ((i, j), cell, rs, cs)
            j += cs
    width = max((len(r) for r in grid), default=0)
    for line in grid:
        line.extend([None] * (width - len(line)))
    return [r for r in grid if r] if width else []


def _numeric_columns(body: list[list], ncols: int) -> set[int]:
    out = set()
    for j in range(1, ncols):
        cells = [r[j][1].text() for r in body if r[j] is not None]
        if cells and all(NUMERIC.fullmatch(t) for t in cells if t):
            out.add(j)
    return out


def _ems(text: str) -> float:
    """A text's width in characters of the table's size: CJK and full-width forms 1, the rest about half."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def _widths(table, grid: list[list], ncols: int, nhead: int, numeric: set[int]) -> None:
    """Column widths filling the text width: each column gets at least its header (and, for numbers, its
    longest value) on one line; the rest of the width goes to the columns whose text would wrap, by how
    much of it there is."""
    pad = 2 * 5.4  # Word's default cell margins, pt
    size = wstyles.TABLE_PT
    avail = wstyles.TEXT_WIDTH.pt - pad * ncols
    need, want = [], []
    for j in range(ncols):
        cells = [(i, r[j][1].text()) for i, r in enumerate(grid) if r[j] is not None and r[j][3] == 1]
        head = max((_ems(t) for i, t in cells if i < nhead), default=0)
        longest = max((_ems(t) for _, t in cells), default=2)
        need.append(max(head, longest if j in numeric else 0, 2) * size + 2)
        want.append(max(min(longest, 40) * size + 2, need[-1]))
    if sum(want) <= avail:  # everything fits on one line: share the rest by size
        widths = [w * avail / sum(want) for w in want]
    elif sum(need) >= avail:
        widths = [n * avail / sum(need) for n in need]
    else:
        extra = [w - n for w, n in zip(want, need, strict=True)]
        widths = [n + e * (avail - sum(need)) / sum(extra) for n, e in zip(need, extra, strict=True)]
    emu = [int(wstyles.Pt(w + pad)) for w in widths]
    table.autofit = False
    for j, col in enumerate(table.columns):
        col.width = emu[j]
    for row in table.rows:
        for j, cell in enumerate(row.cells[:ncols]):
            cell.width = emu[j]
