from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = _("Crisis early warning and intervention")

    def ready(self) -> None:
        from archives.timeline import register_timeline_provider

        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            jobs,  # noqa: F401  (registers this domain's periodic jobs)
        )
        from .selectors.cases import archive_crisis_entries

        register_timeline_provider(archive_crisis_entries)
        from assessments.handover import register_result_handler
        from workflow.handover import register_hotline_risk_handler

        from .services.intake import signal_for_hotline_entry, signal_for_result

        register_result_handler(signal_for_result)
        register_hotline_risk_handler(signal_for_hotline_entry)
