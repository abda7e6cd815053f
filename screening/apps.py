from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    """Screening campaigns, the public self-test, bulk entry and campaign reports (SCR), above
    assessments (whose instruments and results it uses), the service workflow and crisis work."""

    name = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
        )
