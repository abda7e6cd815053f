from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments and screening")

    def ready(self) -> None:
        from archives.timeline import register_timeline_provider

        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            checks,  # noqa: F401  (validates the instrument files at start-up)
        )
        from .selectors import archive_assessment_entries

        register_timeline_provider(archive_assessment_entries)
