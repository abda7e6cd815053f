"""The audit actions the confidentiality domain writes (access, consent, disclosures, the log itself).

Imported by ``confidentiality.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "confidentiality",
    {
        "access.break_glass": pgettext_lazy("audit action", "Break-the-glass access opened"),
        "access.break_glass_reviewed": pgettext_lazy("audit action", "Break-the-glass access reviewed"),
        "access.denied": pgettext_lazy("audit action", "Access request refused"),
        "access.granted": pgettext_lazy("audit action", "Access request approved"),
        "access.refused": pgettext_lazy("audit action", "Access refused"),
        "access.requested": pgettext_lazy("audit action", "Access requested"),
        "consent.recorded": pgettext_lazy("audit action", "Consent recorded"),
        "consent.withdrawn": pgettext_lazy("audit action", "Consent withdrawn"),
        "consent_text.published": pgettext_lazy("audit action", "Consent text published"),
        "disclosure.recorded": pgettext_lazy("audit action", "Disclosure recorded"),
        "encryption.keys_rotated": pgettext_lazy("audit action", "Encryption keys rotated"),
        "list.viewed": pgettext_lazy("audit action", "List viewed"),
    },
)
