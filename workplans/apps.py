from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkPlansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")
