"""The report's two editions, from one source.

- **印发稿** (`circulated`): the document the college circulates — its title, its body, its 落款 and nothing the
  college did not write: no source lines, no links, no data-quality part, no English; tables and charts only
  where the year's outline places them in the document (`circulate: true` on a block of `sections.yaml`).
  Published as the `report_html` (its web page), `report_pdf` and `report_docx` artefacts.
- **审阅稿** (`review`): the copy its reviewers check — the same text, marked 审阅稿 on every page, every number a
  link to its row in the ledger annex, the tables and charts with their sources, the year-before comparisons, the
  data-quality part for the office heads, what changed since the signed build and what nobody has reread.
  Published as the `review_html` and `review_pdf` artefacts.

The report notebook displays each block of the report once, as a bundle of two HTML representations: `text/html`
is the review edition (what Jupyter shows the analyst), `CIRCULATED_MIME` the circulated one ("" where the block is
not in the document). The page template picks the edition's (templates/report/index.html.j2).
"""

from __future__ import annotations

from dataclasses import dataclass

CIRCULATED = "circulated"
REVIEW = "review"
EDITIONS = (CIRCULATED, REVIEW)
NAMES_ZH = {CIRCULATED: "印发稿", REVIEW: "审阅稿"}
CIRCULATED_MIME = "application/vnd.annualreport.circulated+html"
MIMES = {REVIEW: "text/html", CIRCULATED: CIRCULATED_MIME}


@dataclass(frozen=True)
class Block:
    """One block of the report in both editions."""

    review: str
    circulated: str = ""  # "" = not in the circulated document

    @classmethod
    def both(cls, html: str) -> Block:
        """A block the same in both editions."""
        return cls(html, html)

    def bundle(self) -> dict[str, str]:
        """The block as a display bundle: both representations, by MIME type."""
        return {MIMES[REVIEW]: self.review, MIMES[CIRCULATED]: self.circulated}

    def of(self, edition: str) -> str:
        return self.review if edition == REVIEW else self.circulated
