"""Fixtures of the crisis-case tests: alerts written with the ORM (crisis.tests.alert_support), and
residents with and without consent on file."""

from __future__ import annotations

import pytest
from django.utils import timezone

from confidentiality.models import ConsentKind
from confidentiality.services import consent_record, consent_text_publish
from crisis.models import Alert
from crisis.services.cases import crisis_case_open
from crisis.tests.alert_support import client_of, make_alert


def sign_clinical_consents(people, resident) -> None:
    """The informed consent and the sensitive-information consent, signed today by the person."""
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = consent_text_publish(
            actor=people.admin, kind=kind, version="1", title=kind, body=f"{kind} text"
        )
        consent_record(
            actor=people.archivist,
            resident=resident,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name=resident.name,
            channel="paper",
        )


@pytest.fixture
def crisis(people, tree):
    """张三 (柳岸第1网格, the counsellor's client, no consent on file) with a new red alert; 李梅
    (柳岸第1网格, consents signed) with an acknowledged orange alert; an anonymous caller in 柳岸社区
    with an acknowledged yellow alert; 李四 (松林社区, the outsider's) with an acknowledged orange
    alert. The counsellor's supervisor is ``supervisor``."""
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    zhang = client_of(people, tree.grid, "张三", responsible=[people.counsellor])
    mei = client_of(people, tree.grid, "李梅", responsible=[people.counsellor])
    sign_clinical_consents(people, mei)
    li = client_of(people, tree.pine, "李四", responsible=[people.outsider])
    acknowledged = {"state": Alert.State.ACKNOWLEDGED, "acknowledged_at": timezone.now()}
    return type(
        "Crisis",
        (),
        {
            "zhang": zhang,
            "mei": mei,
            "li": li,
            "red": make_alert(
                level="red",
                org_unit=tree.grid,
                resident=zhang,
                owner=people.counsellor,
                note="说今晚要结束生命",
            ),
            "orange": make_alert(
                level="orange",
                org_unit=tree.grid,
                resident=mei,
                owner=people.counsellor,
                acknowledged_by=people.counsellor,
                **acknowledged,
            ),
            "anonymous": make_alert(
                level="yellow",
                org_unit=tree.willow,
                subject_note="公园长椅上的中年男子",
                source="external",
                owner=people.counsellor,
                acknowledged_by=people.counsellor,
                **acknowledged,
            ),
            "far": make_alert(
                level="orange",
                org_unit=tree.pine,
                resident=li,
                owner=people.outsider,
                acknowledged_by=people.outsider,
                **acknowledged,
            ),
        },
    )


@pytest.fixture
def red_case(people, crisis):
    """The counsellor's crisis case for 张三's red alert (no consent on file)."""
    return crisis_case_open(actor=people.counsellor, alert=crisis.red)


@pytest.fixture
def anonymous_case(people, crisis):
    return crisis_case_open(actor=people.counsellor, alert=crisis.anonymous)


@pytest.fixture
def far_case(people, crisis):
    """The outsider's crisis case in 松林社区: out of the counsellor's reach."""
    return crisis_case_open(actor=people.outsider, alert=crisis.far)


def settle_checks(crisis_case, by=None) -> None:
    """The follow-up checks done (written with the ORM: no audit entry), so the case may close."""
    from crisis.models import CrisisCheck

    CrisisCheck.objects.filter(crisis_case=crisis_case, kind__in=CrisisCheck.FOLLOW_UP).update(
        done_at=timezone.now(), done_by=by or crisis_case.owner, note="回访：情绪平稳"
    )
