from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = _("Residents and archives")

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
        )
