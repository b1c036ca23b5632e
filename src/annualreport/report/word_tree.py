"""The rendered report page read back as a tree of its elements (stdlib html.parser), for the Word export
(`report/word.py`, `report/word_tables.py`): our own markup, so element by element is enough."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source"}
SKIP = {"style", "script", "svg", "title", "head"}  # no visible text (a chart's SVG is drawn again as PNG)
SPACE = re.compile(r"[ \t\r\n\f]+")


class Node:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None = None):
        self.tag, self.attrs, self.children, self.parent = tag, attrs, [], parent

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def find(self, tag: str) -> Node | None:
        for c in self.elements():
            if c.tag == tag:
                return c
            found = c.find(tag)
            if found is not None:
                return found
        return None

    def text(self) -> str:
        """Visible text, whitespace collapsed as a browser does."""
        return SPACE.sub(" ", "".join(_texts(self))).strip()


def _texts(node: Node):
    for c in node.children:
        if isinstance(c, str):
            yield c
        elif c.tag == "br":
            yield "\n"
        elif c.tag not in SKIP:
            yield from _texts(c)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not self.root and node.tag != tag:  # close what was left open inside it
            node = node.parent
        if node is not self.root:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(page: str) -> Node:
    """The page's <main> (or the whole page) as a tree."""
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    main = builder.root.find("main")
    return main if main is not None else builder.root


def trim(p) -> None:
    """No leading or trailing space in a paragraph (HTML's whitespace between tags)."""
    runs = [r for r in p.runs if r.text]
    if runs:
        runs[0].text = runs[0].text.lstrip(" ")
        runs[-1].text = runs[-1].text.rstrip(" ")
