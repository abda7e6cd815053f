from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            jobs,  # noqa: F401  (registers this domain's periodic jobs)
            signals,  # noqa: F401  (login/logout audit receivers)
        )
