"""Files joined to posts: the type comes from the file's first bytes, never from its name.

Accepted: PNG, JPEG, GIF and WebP images (opened with Pillow to be sure),
PDF, Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp)
documents, and plain UTF-8 text. SVG and HTML are refused: they run
scripts. Files are served by a view that checks the right to read the post,
with the type found here and ``Content-Disposition: attachment`` for
anything that is not an image.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}


def max_size() -> int:
    return getattr(settings, "FORUM_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def _image_checked(data: bytes, content_type: str) -> str:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as error:
        raise ValidationError(_("This image is damaged or not an image.")) from error
    return content_type


def _zip_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        return mimetype if mimetype in ODF else None
    if "[Content_Types].xml" in names:
        for prefix, content_type in OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return content_type
    return None


def sniff(data: bytes) -> str:
    """The content type the bytes prove, or a ValidationError saying what is accepted."""
    for signature, content_type in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return _image_checked(data, content_type)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _image_checked(data, "image/webp")
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        content_type = _zip_type(data)
        if content_type:
            return content_type
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        head = (text or "")[:512].lstrip().lower()
        if text is not None and "\x00" not in text and not head.startswith(("<", "<?xml")):
            return "text/plain"
    raise ValidationError(
        _(
            "This kind of file is not accepted. Send an image (PNG, JPEG, GIF, WebP), "
            "a PDF, a Word, Excel, PowerPoint or OpenDocument file, or plain text."
        )
    )


def check(uploaded) -> tuple[bytes, str]:
    """Read an uploaded file within the size limit; return its bytes and proven type."""
    limit = max_size()
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            _("This file is too large (at most %(size)s MB).") % {"size": limit // (1024 * 1024)}
        )
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("This file is too large (at most %(size)s MB).") % {"size": limit // (1024 * 1024)}
        )
    if not data:
        raise ValidationError(_("This file is empty."))
    return data, sniff(data)
