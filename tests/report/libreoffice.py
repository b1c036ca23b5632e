"""The Word document laid out by LibreOffice, with real glyphs, to look at it without Word (tests/report/test_docx.py;
docs/word-export.md, "Checking it without Word").

A .docx names the office faces (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体, 宋体); a Linux machine has none of
them, and LibreOffice substitutes through fontconfig: without a CJK face it draws tofu. Rather than install a font
package, the conversion runs with a fontconfig file of its own that adds the project's faces (made once per machine
in ~/.cache/annualreport/fonts, the faces the PDF embeds: `typeset.fonts.report_faces`) and maps each office face to
the one the PDF uses for the same role (docs/fonts.md): 仿宋 → the body face (bold: the bold serif), 黑体 → the
黑体 stand-in, 楷体 → LXGW WenKai, 小标宋 → the title face, 宋体 → the body face. So LibreOffice sets the document with
the PDF's glyphs and metrics, and its pages can be held against report.pdf's.

    .venv/bin/python -m tests.report.libreoffice outputs/2020/report.docx /tmp/lo   # -> /tmp/lo/report.pdf
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

from annualreport.report import word_styles as wstyles

# office face -> the PDF's role for it (typeset.fonts.report_faces families), regular and bold
ROLES = {
    wstyles.BODY: ("Report Body", "Report Bold"),
    "仿宋": ("Report Body", "Report Bold"),
    "FangSong": ("Report Body", "Report Bold"),
    wstyles.SONG: ("Report Body", "Report Bold"),
    "SimSun": ("Report Body", "Report Bold"),
    wstyles.HEI: ("Report Hei", "Report Hei"),
    "SimHei": ("Report Hei", "Report Hei"),
    wstyles.KAI: ("Report Kai", "Report Kai"),
    "楷体": ("Report Kai", "Report Kai"),
    "KaiTi": ("Report Kai", "Report Kai"),
    wstyles.TITLE: ("Report Title", "Report Title"),
}
FALLBACK = {"Report Kai": "Report Body"}  # a face fontdebs did not fetch (typeset.fonts.FALLBACK_NOTE)


def _face_names(path: Path) -> tuple[str, str]:
    """(family, style) of a face file as fontconfig sees them (its typographic family and subfamily names)."""
    from fontTools.ttLib import TTFont

    names = TTFont(path, lazy=True)["name"]
    family = names.getDebugName(16) or names.getDebugName(1)
    style = names.getDebugName(17) or names.getDebugName(2)
    return family, style


def fontconfig(folder: Path) -> Path:
    """A fontconfig file in `folder`: the system's configuration, the project's faces, and each office face mapped
    to the project face of its role (bold requests of 仿宋/宋体 to the bold serif). Its cache is in `folder`."""
    from annualreport.typeset.fonts import report_faces

    faces = {f.family: f.path for f in report_faces()}
    for role, instead in FALLBACK.items():
        faces.setdefault(role, faces[instead])
    rules = []
    for office, (regular, bold) in ROLES.items():
        for role, heavy in ((bold, True), (regular, False)):  # the bold rule first: the other replaces the family
            family, style = _face_names(faces[role])
            weight = '<test name="weight" compare="more_eq"><const>bold</const></test>' if heavy else ""
            rules.append(
                f'<match target="pattern"><test name="family"><string>{html.escape(office)}</string></test>{weight}'
                f'<edit name="family" mode="assign_replace" binding="strong"><string>{html.escape(family)}</string>'
                f'</edit><edit name="style" mode="assign" binding="strong"><string>{html.escape(style)}</string>'
                f"</edit></match>"
            )
    dirs = "".join(f"<dir>{html.escape(str(d))}</dir>" for d in sorted({p.parent for p in faces.values()}))
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"{dirs}\n<cachedir>{html.escape(str(folder / 'fontconfig-cache'))}</cachedir>\n" + "\n".join(rules) + "\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def to_pdf(soffice: str, docx: Path, out: Path, scratch: Path, timeout: int = 300) -> Path:
    """`docx` converted to PDF in `out` by `soffice --headless`, with the project's faces (`fontconfig`) and a
    LibreOffice profile of its own in `scratch`; the PDF's path. Fails with LibreOffice's output when it made none."""
    scratch.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig(scratch)), HOME=str(scratch))
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(scratch / 'profile').as_uri()}", "--convert-to", "pdf",
         "--outdir", str(out), str(docx)],
        capture_output=True, text=True, timeout=timeout, env=env,
    )  # fmt: skip
    pdf = out / (docx.stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice made no PDF of {docx}:\n{done.stdout}{done.stderr}")
    return pdf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.report.libreoffice", description=__doc__.splitlines()[0])
    ap.add_argument("docx", type=Path)
    ap.add_argument("out", type=Path, help="folder for the PDF (and the scratch LibreOffice profile)")
    args = ap.parse_args(argv)
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice is not on PATH (Debian: apt-get install libreoffice-writer-nogui)", file=sys.stderr)
        return 1
    print(to_pdf(soffice, args.docx.resolve(), args.out.resolve(), args.out.resolve() / "scratch"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
