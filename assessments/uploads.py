"""Instruments a centre uploads because it holds their licence (ASM-1).

The file is validated exactly like the shipped ones; its code may not shadow a shipped
instrument, and its licence note is shown wherever the instrument is used.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record

from .library import InstrumentError, parse_instrument, shipped_instruments
from .models import UploadedInstrument
from .permissions import MANAGE_INSTRUMENTS

MAX_FILE_BYTES = 512 * 1024


@transaction.atomic
def instrument_upload(*, actor, text: str) -> UploadedInstrument:
    """Add (or replace with a new version) a licensed instrument from its YAML text."""
    if not policy.has_permission(actor, MANAGE_INSTRUMENTS):
        raise PermissionDenied
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file is too large for an instrument definition.")})
    try:
        instrument = parse_instrument(text)
    except InstrumentError as exc:
        raise ValidationError(
            {"file": _("The file is not a valid instrument: %(problem)s") % {"problem": exc}}
        ) from exc
    if instrument.code in shipped_instruments():
        raise ValidationError(
            {"file": _("An instrument with this code ships with Xinqiao; choose another code.")}
        )
    if UploadedInstrument.objects.filter(code=instrument.code, version=instrument.version).exists():
        raise ValidationError({"file": _("This version of the instrument is already uploaded.")})
    UploadedInstrument.objects.filter(code=instrument.code, is_current=True).update(is_current=False)
    upload = UploadedInstrument.objects.create(
        code=instrument.code, version=instrument.version, definition=text, uploaded_by=actor, is_current=True
    )
    audit_record(actor=actor, action="instrument.uploaded", obj=upload, details={"code": upload.code})
    return upload
