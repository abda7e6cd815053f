from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The top of the staff area: the home page per role and the navigation (imports every domain)."""

    name = "dashboard"
    verbose_name = _("Staff home")
