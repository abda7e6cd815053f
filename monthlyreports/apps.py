from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyReportsConfig(AppConfig):
    name = "monthlyreports"
    verbose_name = _("Monthly reports")
