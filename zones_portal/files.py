"""Uploaded files: judged by their content, stored under names nobody can guess, served only through views.

Nothing under MEDIA_ROOT is reachable by URL; every download goes through a
view that first asks ``zones_portal.permissions`` whether the person may see
the record the file belongs to.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

# What we accept, by kind: the MIME type the content must show, and the extension we store it under.
KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "mp3": ("audio/mpeg", ".mp3"),
    "mp4": ("video/mp4", ".mp4"),
}
MEGABYTE = 1024 * 1024


def sniff(upload: UploadedFile) -> str | None:
    """The MIME type the first bytes show, whatever the file's name claims."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(position)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_upload(upload: UploadedFile, kinds: Iterable[str], max_megabytes: int) -> str:
    """Returns the accepted kind, or raises a ValidationError a person can act on."""
    kinds = list(kinds)
    names = ", ".join(kind.upper() for kind in kinds)
    if upload.size is not None and upload.size > max_megabytes * MEGABYTE:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB."),
            code="too_large",
            params={"name": upload.name, "limit": max_megabytes},
        )
    mime = sniff(upload)
    for kind in kinds:
        if KINDS[kind][0] == mime:
            return kind
    raise ValidationError(
        _("%(name)s is not a %(kinds)s file (judged by its content, not its name)."),
        code="wrong_type",
        params={"name": upload.name, "kinds": names},
    )


@deconstructible
class ContentValidator:
    """A model-field validator: the file's content must be one of ``kinds``, within the size limit."""

    def __init__(self, kinds: Iterable[str], max_megabytes: int) -> None:
        self.kinds = tuple(kinds)
        self.max_megabytes = max_megabytes

    def __call__(self, upload: UploadedFile) -> None:
        # Files already stored were checked when they arrived; only new uploads are sniffed.
        if isinstance(upload, FieldFile) and getattr(upload, "_committed", True):
            return
        check_upload(upload, self.kinds, self.max_megabytes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContentValidator) and (self.kinds, self.max_megabytes) == (
            other.kinds,
            other.max_megabytes,
        )

    def __hash__(self) -> int:
        return hash((self.kinds, self.max_megabytes))


def stored_as(upload: UploadedFile, kind: str) -> str:
    """Renames an accepted upload to what its content is (``pdf.pdf``, ``jpeg.jpg``) and returns the
    name the person gave it, to keep as a label only: a PDF called ``setup.exe`` is stored, and later
    served, as a ``.pdf``."""
    label = PurePath(upload.name or kind).name[:255]
    upload.name = f"{kind}{KINDS[kind][1]}"
    return label


def take_evidence(
    record: object,
    evidence_note: str | None,
    evidence_link: str | None,
    evidence_file: UploadedFile | None,
    *,
    kinds: Iterable[str],
    max_megabytes: int,
) -> None:
    """Sets the evidence given on a record with ``evidence_note``, ``evidence_link``, ``evidence_file``
    and ``evidence_file_name`` (an obligation, an action item); None leaves a part as it was. A new file
    supersedes the old one, which stays in storage and in the record's history, where those who may see
    the record can still download it; a file is never cleared."""
    if evidence_note is not None:
        record.evidence_note = evidence_note.strip()
    if evidence_link is not None:
        record.evidence_link = evidence_link.strip()
    if evidence_file:
        try:
            kind = check_upload(evidence_file, kinds, max_megabytes)
        except ValidationError as error:
            raise ValidationError({"evidence_file": error.messages}) from error
        record.evidence_file_name = stored_as(evidence_file, kind)  # renamed before it is assigned
        record.evidence_file = evidence_file


def kind_of(fieldfile: FieldFile) -> str | None:
    """What a stored file's first bytes show it to be, among the kinds the portal accepts."""
    with fieldfile.open("rb") as stored:
        head = stored.read(8192)
    found = filetype.guess(head)
    return next((kind for kind, (mime, _ext) in KINDS.items() if found and found.mime == mime), None)


@deconstructible
class PrivatePath:
    """An upload_to that keeps only the extension of the person's file name, under a random name."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        extension = PurePath(filename).suffix.lower()[:8]
        return f"private/{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivatePath) and self.folder == other.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def download(fieldfile: FieldFile, label: str) -> HttpResponse:
    """Hands a stored file over as an attachment, named after the label the person gave it but with
    the extension and type its content shows (never the uploader's own extension).

    Called only after the view has checked that the person may see the record. With object storage and
    ``FILES_REDIRECT_TO_STORAGE`` on, the answer is a redirect to a presigned URL that expires within
    minutes, so no web worker is tied up streaming a large video; otherwise the bytes stream through.
    """
    kind = kind_of(fieldfile)
    content_type, extension = KINDS[kind] if kind else ("application/octet-stream", ".bin")
    filename = f"{PurePath(label).stem or 'file'}{extension}"
    if settings.FILES_REDIRECT_TO_STORAGE and hasattr(fieldfile.storage, "bucket_name"):
        parameters = {
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        }
        url = fieldfile.storage.url(
            fieldfile.name, parameters=parameters, expire=settings.AWS_QUERYSTRING_EXPIRE
        )
        response: HttpResponse = HttpResponseRedirect(url)
    else:
        response = FileResponse(fieldfile.open("rb"), as_attachment=True, filename=filename)
        response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
