from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Service workflow")

    def ready(self) -> None:
        from archives.timeline import register_timeline_provider

        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            jobs,  # noqa: F401  (registers this domain's periodic jobs)
            roster_clashes,  # noqa: F401  (tells the roster which appointments a day off hits)
        )
        from .selectors.cases import archive_workflow_entries

        register_timeline_provider(archive_workflow_entries)
        from assessments.handover import register_giving_context

        from .selectors.cases import case_giving_context

        register_giving_context(case_giving_context)
