from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            jobs,  # noqa: F401  (registers this domain's periodic jobs)
        )
