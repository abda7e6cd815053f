"""Demo data of the crisis domain (CRI): besides the alerts that the demo's own assessments raise
through the warning rules, one red alert waiting for acknowledgement (a counsellor's flag of
immediate danger) and one orange alert under intervention (a grid worker's urgent concern report).
Everything goes through the domain services."""

from __future__ import annotations

from accounts.models import User
from archives.models import Resident
from confidentiality import policy
from crisis.models import Alert
from crisis.services.alerts import alert_acknowledge, alert_start_intervention
from crisis.services.reports import concern_report_submit, risk_flag_raise


def _without_open_alert(residents):
    for resident in residents:
        if not Alert.objects.filter(resident=resident, state__in=Alert.OPEN_STATES).exists():
            return resident
    return None


def seed_crisis() -> dict[str, int]:
    counsellor = User.objects.get(username="counsellor")
    worker = User.objects.get(username="worker")
    caseload = Resident.objects.filter(archive__responsible=counsellor).order_by("pk")
    flagged = _without_open_alert(caseload)
    if flagged is not None:
        risk_flag_raise(
            actor=counsellor,
            resident=flagged,
            note="电话回访时来访者说“活着没意思，药已经攒好了”，随后挂断，再拨无人接听。",
            immediate_danger=True,
        )
    in_grid = policy.filter_residents(worker, Resident.objects.all()).exclude(archive__responsible=counsellor)
    reported = _without_open_alert(in_grid.order_by("pk"))
    if reported is not None:
        report = concern_report_submit(
            actor=worker,
            resident=reported,
            description="邻居反映其近一周闭门不出，夜里常听到哭声，阳台上堆放了很多药盒。",
            location="柳岸社区第1网格",
            urgent=True,
        )
        alert = report.signal.alert_events.first().alert
        owner = alert.owner or counsellor
        alert_acknowledge(actor=owner, alert=alert)
        alert_start_intervention(actor=owner, alert=alert, note="已与网格员约定今天下午一同上门。")
    return {"alerts": Alert.objects.count()}
