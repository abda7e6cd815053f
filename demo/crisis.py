"""Demo data of the crisis domain (CRI): besides the alerts that the demo's own assessments raise
through the warning rules, one red alert waiting for acknowledgement (a counsellor's flag of
immediate danger) and one yellow alert under intervention (a grid worker's concern report, not
marked "in danger now": that would be red).
Everything goes through the domain services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from archives.models import Resident
from confidentiality import policy
from crisis.models import Alert, CrisisCheck, WatchListEntry
from crisis.services.alerts import alert_acknowledge, alert_start_intervention
from crisis.services.cases import (
    crisis_action_record,
    crisis_case_open,
    crisis_case_request_close,
    crisis_case_review,
    crisis_check_complete,
    crisis_risk_assessment_record,
    safety_plan_save,
)
from crisis.services.concerns import concern_report_submit, risk_flag_raise
from crisis.services.watch import watch_entry_review


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
        )
        event = report.signal.alert_events.first()  # none if the concern-report rule is off
        if event is not None:
            owner = event.alert.owner or counsellor
            alert_acknowledge(actor=owner, alert=event.alert)
            alert_start_intervention(actor=owner, alert=event.alert, note="已与网格员约定今天下午一同上门。")
    seed_closed_crisis_case(counsellor=counsellor, caseload=caseload)
    return {"alerts": Alert.objects.count()}


def seed_closed_crisis_case(*, counsellor, caseload) -> None:
    """One crisis handled from flag to closing: risk assessment, safety plan, the guardian told
    (a disclosure), closed as stabilised after the supervisor's review, then a watch-list review."""
    person = _without_open_alert(caseload.reverse())
    if person is None:
        return
    _signal, alert = risk_flag_raise(
        actor=counsellor, resident=person, note="来访者谈到分手后“不想活了”，有过一次割腕史。"
    )
    if alert is None:
        return
    owner = alert.owner or counsellor
    crisis = crisis_case_open(actor=owner, alert=alert)
    crisis_risk_assessment_record(
        actor=owner,
        crisis_case=crisis,
        ideation="近一周反复出现“不想活了”的念头，无具体时间安排。",
        plan="否认有具体计划。",
        means="家中有剃须刀片，已同意交给母亲保管。",
        history="两年前有一次割腕，未就医。",
        protective_factors="与母亲关系亲近；养猫；愿意继续咨询。",
        risk_summary="中度自杀风险，保护因素可用，门诊跟进并制定安全计划。",
    )
    safety_plan_save(
        actor=owner,
        crisis_case=crisis,
        warning_signs="整夜睡不着；反复看前任的照片；不想回消息。",
        coping_steps="洗个热水澡；出门散步 20 分钟；听喜欢的歌；写下此刻的感受。",
        people_places="给母亲打电话；去楼下的书店；找好友小林。",
        professionals="中心热线 0571-8800 1234；心理援助热线 12356；紧急情况 110 / 120。",
        means_restriction="刀片交由母亲保管；药品由母亲统一存放。",
    )
    crisis_action_record(
        actor=owner,
        crisis_case=crisis,
        kind="guardian",
        recipient="母亲",
        text="电话告知母亲目前的风险和安全计划，请她这一周多陪伴并保管刀片。",
    )
    # The case closes only once its follow-up checks are done (or waived with a reason).
    for check, note in zip(
        crisis.checks.filter(kind__in=CrisisCheck.FOLLOW_UP).order_by("due_at"),
        (
            "电话回访：睡眠仍差，未再有轻生念头。",
            "家访：母亲陪伴，按时服药。",
            "面谈：情绪稳定，愿意继续咨询。",
        ),
        strict=True,
    ):
        crisis_check_complete(actor=owner, check=check, note=note)
    crisis_case_request_close(
        actor=owner,
        crisis_case=crisis,
        outcome="stabilised",
        summary="一周内三次回访，情绪稳定，安全计划执行良好，转入常规咨询。",
        risk_level="yellow",
        risk_reason="危机已缓解，睡眠问题仍在；两周后复评。",
    )
    supervisor = owner.supervisor or User.objects.get(username="supervisor")
    crisis_case_review(
        actor=supervisor, crisis_case=crisis, approve=True, note="同意结案，继续常规咨询并按期回访。"
    )
    # The person stays on the watch list after the crisis; its first review is recorded.
    entry = WatchListEntry.objects.filter(resident=person, removed_at__isnull=True).first()
    if entry is not None:
        watch_entry_review(
            actor=owner,
            entry=entry,
            next_review_on=timezone.localdate() + timedelta(days=14),
            note="电话回访：睡眠好转，按安全计划求助过一次母亲，未再出现轻生念头。",
        )
