from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfidentialityConfig(AppConfig):
    name = "confidentiality"
    verbose_name = _("Confidentiality and audit")

    def ready(self) -> None:
        # Every domain declares its permissions in its own permissions.py; importing them here
        # fills the one registry that the policy module and the matrix tests read.
        from django.utils.module_loading import autodiscover_modules

        from . import (
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            jobs,  # noqa: F401  (registers this domain's periodic jobs)
        )

        autodiscover_modules("permissions")
