from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    """Articles and the 心语报 newsletter (PRG-4): written, reviewed and published on the portal."""

    name = "articles"
    verbose_name = _("Articles and newsletters")

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers this domain's access rules)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
        )
