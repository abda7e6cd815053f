from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyReportsConfig(AppConfig):
    name = "monthlyreports"
    verbose_name = _("Monthly reports")

    def ready(self) -> None:
        from . import (  # noqa: F401  (each registers itself with a lower layer)
            access,
            audit_actions,
            jobs,
            permissions,
        )
