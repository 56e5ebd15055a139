"""Tiny, valid PDF and DOCX files written from hand-written text, for the demo's fiches.

No library: a one-page PDF 1.4 with the standard Helvetica font (WinAnsi
encoding, so French accents show) and a minimal Office Open XML document.
Both open in any reader; they exist so that the toolkit has real files to
download, count and search by title.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from xml.sax.saxutils import escape

PDF_LINE_WIDTH = 88


def _pdf_text(text: str) -> bytes:
    cleaned = text.replace("’", "'").replace("«\u00a0", "« ").replace("\u00a0»", " »")
    encoded = cleaned.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A one-page PDF: the title in bold, then the paragraphs, wrapped."""
    lines: list[tuple[str, str]] = [("F2", title), ("F1", "")]
    for paragraph in paragraphs:
        lines.extend(("F1", line) for line in textwrap.wrap(paragraph, PDF_LINE_WIDTH))
        lines.append(("F1", ""))
    stream = io.BytesIO()
    stream.write(b"BT\n14 TL\n50 790 Td\n")
    for font, line in lines[:52]:
        size = 14 if font == "F2" else 10
        stream.write(b"/%s %d Tf\n(" % (font.encode(), size) + _pdf_text(line) + b") Tj T*\n")
    stream.write(b"ET\n")
    content = stream.getvalue()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-\
officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/\
relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A minimal Word document: the title in bold, then the paragraphs."""

    def paragraph(text: str, bold: bool = False) -> str:
        run_properties = '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr>' if bold else ""
        return (
            f'<w:p><w:r>{run_properties}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        )

    body = paragraph(title, bold=True) + "".join(paragraph(text) for text in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # Fixed dates: the same text gives the same bytes (the demo is idempotent).
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return out.getvalue()
