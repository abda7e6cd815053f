from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupCounsellingConfig(AppConfig):
    name = "groupcounselling"
    verbose_name = _("Group counselling")

    def ready(self) -> None:
        from archives.timeline import register_timeline_provider

        from . import (
            access,  # noqa: F401  (registers this domain's access rules and the leaders' team source)
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
        )
        from .selectors import archive_group_entries

        register_timeline_provider(archive_group_entries)
