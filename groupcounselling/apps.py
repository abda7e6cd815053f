from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupCounsellingConfig(AppConfig):
    name = "groupcounselling"
    verbose_name = _("Group counselling")
