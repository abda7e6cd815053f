"""Words that must read the same wherever they are asked (one msgid, one translation).

"In danger now" is asked by the concern report, the counsellor's risk flag and the hotline's risk
check; the default warning rules make each of them a red alert (docs/crisis.md), so a reporter, a
counsellor and a hotline volunteer must be asked the same question in the same words."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

IN_DANGER_NOW = _("Urgent: the person may be in danger now")
