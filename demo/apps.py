from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo seeding (``manage.py seed_demo``): the very top, it calls every domain's services."""

    name = "demo"
    verbose_name = _("Demo data")
