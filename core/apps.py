from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import (
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            checks,  # noqa: F401  (registers the deploy checks)
        )
