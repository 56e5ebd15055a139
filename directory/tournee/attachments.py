"""What a visit's attachment may be, judged on its content, not its name.

A file's name and the browser's declared type are the sender's say-so; the
first bytes are not. Accepted: PDF, PNG, JPEG, WebP, plain text (UTF-8),
and the office formats (Word, Excel, PowerPoint, OpenDocument), which are
ZIP archives holding a known entry. At most ``VISIT_ATTACHMENT_MAX_BYTES``.
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

_OFFICE = {
    "word/document.xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ppt/presentation.xml": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
_OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def sniff(head: bytes, upload) -> tuple[str, str] | None:
    """``(extension, content type)`` of an accepted file from its content, else None."""
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _office(upload)
    return _text(upload)


def _office(upload) -> tuple[str, str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            for entry, kind in _OFFICE.items():
                if entry in names:
                    return kind
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in _OPENDOCUMENT:
                    return _OPENDOCUMENT[mimetype], mimetype
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def _text(upload) -> tuple[str, str] | None:
    upload.seek(0)
    data = upload.read(settings.VISIT_ATTACHMENT_MAX_BYTES + 1)
    upload.seek(0)
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt", "text/plain; charset=utf-8"


def attachment_check(upload) -> tuple[str, str]:
    """Refuse an upload that is too large or of a type we do not keep (ValidationError)."""
    limit = settings.VISIT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            gettext("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(gettext("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind is None:
        raise ValidationError(
            gettext(
                "This type of file is not accepted. Attach a PDF, an image (PNG, JPEG, WebP), "
                "a text file, or a Word, Excel, PowerPoint or OpenDocument file."
            ),
            code="type",
        )
    return kind
