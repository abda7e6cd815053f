"""CONF-7: which model fields are encrypted at rest is pinned here.

A new field holding identifying or clinical text must be added to this list on purpose, and a
field leaving it (a model moved, a field made plain) fails this test: encryption is never lost by
a refactoring. The list is what a security review reads.
"""

from __future__ import annotations

from django.apps import apps

from confidentiality.fields import EncryptedTextField

ENCRYPTED_FIELDS = {
    "accounts.User.phone",
    "activities.Family.guardian_phone",
    "activities.Registration.phone",
    "archives.Resident.id_number",
    "archives.Resident.phone",
    "archives.Resident.address",
    "archives.Resident.guardian_name",
    "archives.Resident.guardian_phone",
    "archives.Resident.emergency_name",
    "archives.Resident.emergency_phone",
    "archives.Correction.old_value",
    "archives.Correction.new_value",
    "assessments.Assessment.answers",
    "workflow.Appointment.contact_name",
    "workflow.Appointment.contact_phone",
    "workflow.Appointment.reason",
    "workflow.Appointment.address",
    "workflow.Case.presenting_problem",
    "workflow.Case.closing_summary",
    "workflow.CaseTransfer.reason",
    "workflow.CaseReopening.reason",
    "workflow.Intake.chief_complaint",
    "workflow.Intake.history",
    "workflow.Intake.observations",
    "workflow.Intake.risk_notes",
    "workflow.Intake.impression",
    "workflow.ServicePlan.goals",
    "workflow.ServicePlan.content",
    "workflow.ServicePlan.revision_reason",
    "workflow.SessionRecord.content",
    "groupcounselling.GroupMember.drop_reason",
    "groupcounselling.GroupMember.screening_note",
    "groupcounselling.GroupSession.group_note",
    "workflow.SessionRecord.client_feedback",
    "workflow.SessionRecord.problems_handled",
    "workflow.SessionRecord.next_steps",
    "workflow.SessionRecord.address",
    "workflow.SessionAddendum.text",
    "workflow.SessionAddendum.reason",
    "workflow.PrivateNote.text",
    "workflow.FollowUpTask.reason",
    "workflow.FollowUpTask.outcome",
    "workflow.SatisfactionSurvey.comment",
    "workflow.Referral.reason",
    "workflow.Referral.outcome",
    "workflow.HotlineEntry.caller_name",
    "workflow.HotlineEntry.caller_contact",
    "workflow.HotlineEntry.summary",
    "workflow.HotlineEntry.action_note",
    "notifications.Notification.recipient_name",
    "notifications.Notification.recipient_address",
    "notifications.Notification.body",
    "notifications.Notification.relay_note",
    "crisis.RiskSignal.note",
    "crisis.Alert.subject_note",
    "crisis.Alert.outcome_note",
    "crisis.AlertEvent.note",
    "crisis.ConcernReport.person_description",
    "crisis.ConcernReport.location",
    "crisis.ConcernReport.description",
    "monthlyreports.ConcernRow.person_description",
    "monthlyreports.ConcernRow.signs",
    "monthlyreports.ConcernReview.note",
    "crisis.CrisisCase.ideation",
    "crisis.CrisisCase.plan",
    "crisis.CrisisCase.means",
    "crisis.CrisisCase.history",
    "crisis.CrisisCase.protective_factors",
    "crisis.CrisisCase.risk_summary",
    "crisis.CrisisCase.closing_summary",
    "crisis.CrisisCase.review_note",
    "crisis.CrisisCase.closing_risk_reason",
    "crisis.SafetyPlan.warning_signs",
    "crisis.SafetyPlan.coping_steps",
    "crisis.SafetyPlan.people_places",
    "crisis.SafetyPlan.professionals",
    "crisis.SafetyPlan.means_restriction",
    "crisis.CrisisAction.text",
    "crisis.CrisisCheck.note",
    "crisis.CrisisCheck.waive_reason",
    "crisis.WatchListEntry.reason",
    "crisis.WatchListEntry.removed_reason",
    "crisis.WatchReview.note",
    # Supervision discusses cases: its summary and recommendations are clinical content (STF-3).
    "supervision.SupervisionSession.summary",
    "supervision.Recommendation.text",
}


def encrypted_fields() -> set[str]:
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    }


def test_the_encrypted_fields_are_exactly_the_pinned_ones():
    found = encrypted_fields()
    assert not ENCRYPTED_FIELDS - found, f"no longer encrypted: {sorted(ENCRYPTED_FIELDS - found)}"
    assert not found - ENCRYPTED_FIELDS, f"encrypted but not pinned here: {sorted(found - ENCRYPTED_FIELDS)}"
