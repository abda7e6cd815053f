"""Residents (ARC-1) and their psychological archives (ARC-2, ARC-3, ARC-5).

Identifying and contact details are encrypted at rest (CONF-7); the ID number and phone carry
keyed blind indexes for exact search, and the name carries pinyin and initials for search.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from confidentiality.fields import BlindIndexField, EncryptedTextField
from lib.states import StateTable


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Not stated")


class DocumentType(models.TextChoices):
    PRC_ID = "prc_id", _("PRC resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Hong Kong / Macao permit")
    TAIWAN = "taiwan", _("Taiwan permit")
    FOREIGN_RESIDENCE = "foreign_residence", _("Foreign permanent residence card")
    NONE = "none", _("No document")


class SpecialGroup(models.TextChoices):
    MINOR = "minor", _("Minor")
    ADOLESCENT = "adolescent", _("Adolescent")
    WOMAN = "woman", _("Woman")
    PERINATAL = "perinatal", _("Perinatal")
    ELDERLY = "elderly", _("Elderly")
    EMPTY_NEST = "empty_nest", _("Empty-nest")
    LIVING_ALONE = "living_alone", _("Living alone")
    DISABLED = "disabled", _("Disabled")
    LOW_INCOME = "low_income", _("Low income")
    STUDENT = "student", _("Student")


class RiskLevel(models.TextChoices):
    NONE = "none", _("None")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


RISK_ORDER = {RiskLevel.NONE: 0, RiskLevel.YELLOW: 1, RiskLevel.ORANGE: 2, RiskLevel.RED: 3}


class Resident(models.Model):
    name = models.CharField(_("name"), max_length=50)
    # Up to 6 letters a character: room for the longest 50-character name.
    name_pinyin = models.CharField(max_length=320, editable=False, db_index=True)
    name_initials = models.CharField(max_length=60, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices, default=DocumentType.PRC_ID
    )
    id_number = EncryptedTextField(_("document number"), blank=True)
    id_number_index = BlindIndexField(unique=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = BlindIndexField()
    address = EncryptedTextField(_("address"), blank=True)
    # The school's own number for a student, used to identify them in school screenings.
    student_number = models.CharField(_("student number"), max_length=30, blank=True, db_index=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("organisation unit"),
    )
    guardian_name = EncryptedTextField(_("guardian's name"), blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=20, blank=True)
    guardian_phone = EncryptedTextField(_("guardian's phone"), blank=True)
    emergency_name = EncryptedTextField(_("emergency contact"), blank=True)
    emergency_relation = models.CharField(_("emergency contact's relation"), max_length=20, blank=True)
    emergency_phone = EncryptedTextField(_("emergency contact's phone"), blank=True)
    is_anonymised = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name_pinyin", "pk"]
        constraints = [
            # One person, one record: the database refuses a second row with the same document.
            models.UniqueConstraint(
                fields=["document_type", "id_number_index"],
                condition=~models.Q(id_number_index=""),
                name="archives_resident_document_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class ResidentTag(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=20, choices=SpecialGroup.choices)

    class Meta:
        verbose_name = _("resident tag")
        verbose_name_plural = _("resident tags")
        constraints = [models.UniqueConstraint(fields=["resident", "tag"], name="archives_tag_once")]
        indexes = [models.Index(fields=["tag"], name="archives_tag_idx")]

    def __str__(self) -> str:
        return self.get_tag_display()


class ArchiveStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ARCHIVED = "archived", _("Archived")


class Archive(models.Model):
    """The psychological archive: one per resident."""

    # What can be done to an archive in each status: archives.services enforces it and the
    # archive's page offers it. Only an archived record may be anonymised (and then only once no
    # retention rule keeps it).
    ACTIONS = StateTable(
        field="status",
        table={
            ArchiveStatus.OPEN: ("archive",),
            ArchiveStatus.ARCHIVED: ("reopen", "anonymise"),
        },
    )

    resident = models.OneToOneField(Resident, on_delete=models.PROTECT, related_name="archive")
    number = models.CharField(_("archive number"), max_length=30, unique=True)
    paper_location = models.CharField(
        _("paper archive location"), max_length=100, blank=True, help_text=_("Cabinet, shelf and box.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArchiveStatus.choices, default=ArchiveStatus.OPEN
    )
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE
    )
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="responsible_archives",
        blank=True,
        verbose_name=_("responsible"),
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last updated"), db_index=True)

    class Meta:
        verbose_name = _("psychological archive")
        verbose_name_plural = _("psychological archives")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class RiskLevelChange(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Set by staff")
        ASSESSMENT = "assessment", _("Assessment")
        ALERT = "alert", _("Alert")
        CRISIS_CASE = "crisis_case", _("Crisis case closed")

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="risk_changes")
    from_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    to_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risk level change")
        verbose_name_plural = _("risk level changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_level}→{self.to_level}"


class Correction(models.Model):
    """A correction of one field, with the old value kept (encrypted) and the reason."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=40)
    old_value = EncryptedTextField(blank=True)
    new_value = EncryptedTextField(blank=True)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.field


class ArchiveStatusChange(models.Model):
    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="status_changes")
    to_status = models.CharField(max_length=10, choices=ArchiveStatus.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("archive status change")
        verbose_name_plural = _("archive status changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.to_status
