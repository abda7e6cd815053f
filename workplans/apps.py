from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkPlansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers the policy's rules and filters)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
        )
        from .sources import register_sources

        register_sources()
