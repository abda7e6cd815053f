"""API shapes of residents and their archives. Input validation only: the rules are in
archives.services, which the views call."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archives.models import ArchiveStatus, DocumentType, RiskLevel, Sex, SpecialGroup
from lib.identity import mask_id_number  # the web interface's masking of document numbers


class ResidentSearchSerializer(serializers.Serializer):
    """The list's query parameters; the same filters as the search form of the web interface."""

    q = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        help_text=_('Name, pinyin or initials ("zs" finds 张三), ID number or phone.'),
    )
    org_unit = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Only residents of this unit and the units below it.")
    )
    tag = serializers.ChoiceField(choices=SpecialGroup.choices, required=False, allow_blank=True)
    risk_level = serializers.ChoiceField(
        choices=RiskLevel.choices,
        required=False,
        allow_blank=True,
        help_text=_("Only for roles that see clinical content; narrows to archives whose risk they see."),
    )


class ResidentListItemSerializer(serializers.Serializer):
    """One resident in the list: no document number, phone or address. ``risk_level`` is null
    unless the caller sees the archive's clinical content."""

    # Context: ``clinical_ids``, the archives of the page whose clinical content the caller sees.

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    sex = serializers.ChoiceField(choices=Sex.choices, read_only=True)
    birth_date = serializers.DateField(read_only=True, allow_null=True)
    org_unit = serializers.IntegerField(source="org_unit_id", read_only=True)
    archive_number = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    risk_level = serializers.SerializerMethodField()

    def get_archive_number(self, obj) -> str | None:
        archive = _archive_of(obj)
        return archive.number if archive else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=SpecialGroup.choices)))
    def get_tags(self, obj) -> list[str]:
        return [tag.tag for tag in obj.tags.all()]

    @extend_schema_field(serializers.ChoiceField(choices=RiskLevel.choices, allow_null=True))
    def get_risk_level(self, obj) -> str | None:
        archive = _archive_of(obj)
        if archive is None or archive.pk not in self.context.get("clinical_ids", set()):
            return None
        return archive.risk_level


def _archive_of(resident):
    try:
        return resident.archive
    except ObjectDoesNotExist:
        return None


class ArchiveSummarySerializer(serializers.Serializer):
    number = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ArchiveStatus.choices, read_only=True)
    paper_location = serializers.CharField(read_only=True)
    responsible = serializers.SerializerMethodField(help_text=_("Ids of the responsible staff."))

    def get_responsible(self, obj) -> list[int]:
        return sorted(obj.responsible.values_list("pk", flat=True))


class ClinicalSummarySerializer(serializers.Serializer):
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, read_only=True)


class ResidentDetailSerializer(serializers.Serializer):
    """A resident's basic information and archive. ``clinical`` is null unless the caller sees
    the archive's clinical content."""

    # Context: ``full_id_number`` (else the number is masked as in the web interface) and
    # ``clinical`` (else ``clinical`` is null).

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    sex = serializers.ChoiceField(choices=Sex.choices, read_only=True)
    birth_date = serializers.DateField(read_only=True, allow_null=True)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, read_only=True)
    id_number = serializers.SerializerMethodField(
        help_text=_(
            "Masked (first 4 and last 2 characters) unless the caller sees the clinical content "
            "or manages the archive."
        )
    )
    phone = serializers.CharField(read_only=True, help_text=_("E.164, e.g. +8613912345678."))
    address = serializers.CharField(read_only=True)
    org_unit = serializers.IntegerField(source="org_unit_id", read_only=True)
    guardian_name = serializers.CharField(read_only=True)
    guardian_relation = serializers.CharField(read_only=True)
    guardian_phone = serializers.CharField(read_only=True)
    emergency_name = serializers.CharField(read_only=True)
    emergency_relation = serializers.CharField(read_only=True)
    emergency_phone = serializers.CharField(read_only=True)
    tags = serializers.SerializerMethodField()
    archive = serializers.SerializerMethodField()
    clinical = serializers.SerializerMethodField()

    def get_id_number(self, obj) -> str:
        return obj.id_number if self.context.get("full_id_number") else mask_id_number(obj.id_number)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=SpecialGroup.choices)))
    def get_tags(self, obj) -> list[str]:
        return sorted(tag.tag for tag in obj.tags.all())

    @extend_schema_field(ArchiveSummarySerializer)
    def get_archive(self, obj) -> dict | None:
        archive = _archive_of(obj)
        return ArchiveSummarySerializer(archive).data if archive else None

    @extend_schema_field(ClinicalSummarySerializer(allow_null=True))
    def get_clinical(self, obj) -> dict | None:
        archive = _archive_of(obj)
        if archive is None or not self.context.get("clinical"):
            return None
        return ClinicalSummarySerializer(archive).data


class _ResidentFieldsSerializer(serializers.Serializer):
    # The details a person may give or correct, with the web forms' lengths. Whether they are
    # valid together (ID card check digit, birth date, phone numbers, a minor's guardian) is for
    # archives.services to say.

    name = serializers.CharField(max_length=50, required=False)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    org_unit = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Id of an active unit in the caller's scope.")
    )
    guardian_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    guardian_relation = serializers.CharField(max_length=20, required=False, allow_blank=True)
    guardian_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    emergency_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    emergency_relation = serializers.CharField(max_length=20, required=False, allow_blank=True)
    emergency_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)

    def validate(self, attrs):
        # A field this endpoint does not take (tags in a correction, a risk level at registration)
        # is refused rather than silently dropped, so the caller never believes it was saved.
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field is not accepted here.")] for name in unknown}
            )
        return attrs


class ClosedResidentBodyScheme(OpenApiSerializerExtension):
    """Document the refusal of unknown fields, so that clients and the fuzzer know it."""

    target_class = "archives.serializers._ResidentFieldsSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


class ResidentCreateSerializer(_ResidentFieldsSerializer):
    """A new resident. An ID card number is checked and gives the birth date and sex; a minor
    needs a guardian with a name and phone."""

    name = serializers.CharField(max_length=50)
    org_unit = serializers.IntegerField(
        min_value=1, help_text=_("Id of an active unit in the caller's scope.")
    )
    sex = serializers.ChoiceField(
        choices=Sex.choices,
        required=False,
        allow_blank=True,
        help_text=_("Taken from the ID card number if given."),
    )
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialGroup.choices), required=False, max_length=20
    )


class ResidentCorrectionSerializer(_ResidentFieldsSerializer):
    """Only the fields given are corrected; the reason is always required."""

    reason = serializers.CharField(max_length=500, help_text=_("Why the details are corrected."))

    # A correction is never a partial resource: the reason stays required even for PATCH (this
    # also keeps it required in the OpenAPI document, which marks PATCH bodies as partial).
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value) -> None:
        pass


class DuplicateResidentSerializer(serializers.Serializer):
    """Someone with this document number or phone is already registered; nothing was created."""

    detail = serializers.CharField()
    existing = serializers.IntegerField(
        required=False, help_text=_("The registered resident, only when the caller may see them.")
    )
