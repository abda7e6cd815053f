from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organisation and sites")

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
        )
