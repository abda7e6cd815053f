"""The instrument library page: shipped and uploaded instruments, with their licences (ASM-1)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from confidentiality import policy
from lib.forms import apply_validation_error

from .library import available_instruments
from .permissions import ADMINISTER_ASSESSMENTS, MANAGE_CAMPAIGNS, MANAGE_INSTRUMENTS
from .uploads import instrument_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Instrument file (YAML)"),
        help_text=gettext_lazy(
            "Only for instruments the centre holds a licence for; the file is checked first."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_library(request):
    user = request.user
    if not any(
        policy.has_permission(user, p) for p in (ADMINISTER_ASSESSMENTS, MANAGE_CAMPAIGNS, MANAGE_INSTRUMENTS)
    ):
        policy.require_permission(user, MANAGE_INSTRUMENTS)
    can_upload = policy.has_permission(user, MANAGE_INSTRUMENTS)
    form = UploadForm(request.POST or None, request.FILES or None) if can_upload else None
    if request.method == "POST":
        policy.require_permission(user, MANAGE_INSTRUMENTS)
        if form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                upload = instrument_upload(actor=user, text=text)
            except UnicodeDecodeError:
                form.add_error("file", _("The file must be UTF-8 text."))
            except ValidationError as exc:
                apply_validation_error(form, exc, default_field="file")
            else:
                messages.success(
                    request, _("%(code)s is uploaded and can be used now.") % {"code": upload.code}
                )
                return redirect("assessments:library")
    language = request.LANGUAGE_CODE
    rows = [
        {
            "code": code,
            "version": instrument.version,
            "name": instrument.text("name", language),
            "licence": instrument.text("licence", language),
            "items": instrument.item_count,
            "loinc": instrument.data.get("loinc"),
        }
        for code, instrument in sorted(available_instruments().items())
    ]
    return render(request, "assessments/library.html", {"rows": rows, "form": form})
