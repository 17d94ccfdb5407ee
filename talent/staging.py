"""Portfolio files kept between a public form sent back with errors and its corrected version.

A browser never sends a file input back: without this, an applicant who forgot to tick consent lost
every file they had attached and was not told. Files are judged by their content on arrival, as the
service judges them, and stored privately; the form carries a signed, expiring token naming them, so
a forged or stale token reaches nobody's files. The application itself is still made only by
``services.apply``, which judges the staged files again with the new ones.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talent.models import (
    PORTFOLIO_LIMITS,
    PORTFOLIO_MAX_FILES,
    STAGED_UPLOAD_MAX_AGE,
    StagedUpload,
    TalentCall,
)
from zones_portal.files import check_upload, stored_as
from zones_portal.widgets import readers_number

logger = logging.getLogger(__name__)

SALT = "talent.staged-uploads"
FORGED = _(
    "The files you attached earlier could not be found. Attach them again, please; nothing else was lost."
)
EXPIRED = _(
    "The files you attached earlier were kept for 24 hours only and have been removed. "
    "Attach them again, please; nothing else was lost."
)


@dataclass
class Staging:
    """The files a form already holds, and what went wrong with the ones it could not keep."""

    files: list[StagedUpload] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def token(self) -> str:
        return token_for(self.files[0].call_id, self.files) if self.files else ""


def token_for(call_id: int, files: Iterable[StagedUpload]) -> str:
    return signing.dumps({"call": call_id, "files": [staged.pk for staged in files]}, salt=SALT)


def size_label(staged: StagedUpload) -> str:
    """The size as a person reads it, in their own digits."""
    return readers_number(str(filesizeformat(staged.size)))


def load(call: TalentCall, token: str) -> Staging:
    """The files a token names, or an error a person can act on (never an exception) if it is forged,
    expired, for another call, or names files the cleanup has already removed."""
    if not token:
        return Staging()
    try:
        ids = _file_ids(signing.loads(token, salt=SALT, max_age=STAGED_UPLOAD_MAX_AGE), call)
    except signing.SignatureExpired:
        return Staging(errors=[str(EXPIRED)])
    except signing.BadSignature:
        return Staging(errors=[str(FORGED)])
    if ids is None:
        return Staging(errors=[str(FORGED)])
    files = list(StagedUpload.objects.filter(call=call, pk__in=ids).order_by("pk"))
    if files:
        # Touched: the 24 hours run from the last time the form came back, as the token's do.
        StagedUpload.objects.filter(pk__in=[staged.pk for staged in files]).update(created_at=timezone.now())
    if len(files) != len(set(ids)):
        return Staging(files=files, errors=[str(EXPIRED)])
    return Staging(files=files)


def _file_ids(payload: object, call: TalentCall) -> list[int] | None:
    """The ids a well-formed token for this call names; None for anything else."""
    if not isinstance(payload, dict) or payload.get("call") != call.pk:
        return None
    ids = payload.get("files")
    if not isinstance(ids, list) or not all(type(i) is int for i in ids):
        return None
    return ids


@transaction.atomic
def stage(call: TalentCall, staging: Staging, uploads: Sequence[UploadedFile]) -> Staging:
    """Keeps the uploads whose content is acceptable, up to the number a call takes; the rest are named
    in ``errors`` so the person knows which to send again."""
    for upload in uploads:
        if len(staging.files) >= PORTFOLIO_MAX_FILES:
            staging.errors.append(
                str(
                    _("%(name)s was not kept: send at most %(count)s files.")
                    % {"name": upload.name, "count": readers_number(str(PORTFOLIO_MAX_FILES))}
                )
            )
            continue
        try:
            kind = check_upload(upload, PORTFOLIO_LIMITS, max(PORTFOLIO_LIMITS.values()))
            check_upload(upload, [kind], PORTFOLIO_LIMITS[kind])  # the limit of its own kind
        except ValidationError as error:
            staging.errors.extend(error.messages)
            continue
        size = upload.size or 0
        label = stored_as(upload, kind)
        staging.files.append(
            StagedUpload.objects.create(call=call, file=upload, original_name=label, kind=kind, size=size)
        )
    return staging


def as_uploads(staging: Staging) -> list[UploadedFile] | None:
    """The staged files as uploads again, named as the person named them, for ``services.apply``;
    None, with the reason in ``errors``, if one has gone from storage meanwhile."""
    uploads: list[UploadedFile] = []
    try:
        for staged in staging.files:
            uploads.append(
                UploadedFile(file=staged.file.open("rb"), name=staged.original_name, size=staged.size)
            )
    except OSError:
        for upload in uploads:
            upload.close()
        staging.errors.append(str(EXPIRED))
        return None
    return uploads


def discard(files: Iterable[StagedUpload]) -> int:
    """Removes staged rows, and their stored files once the removal is committed."""
    files = list(files)
    if not files:
        return 0
    names = [staged.file.name for staged in files]
    storage = files[0].file.storage
    deleted, _counts = StagedUpload.objects.filter(pk__in=[staged.pk for staged in files]).delete()

    def delete_stored() -> None:
        for name in names:
            try:
                storage.delete(name)
            except Exception:  # one file the storage refuses must not keep the others
                logger.exception("Could not delete the staged file %s; delete it by hand.", name)

    transaction.on_commit(delete_stored)
    return deleted


def remove_expired(now: dt.datetime | None = None) -> int:
    """Staged files nobody came back for within ``STAGED_UPLOAD_MAX_AGE``: their rows and stored files.
    Safe to run twice: what is gone is not found again."""
    removed = 0
    now = now or timezone.now()
    while batch := list(StagedUpload.objects.expired(now).order_by("pk")[:500]):
        with transaction.atomic():
            removed += discard(batch)
    return removed
