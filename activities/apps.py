from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and the parent school")

    def ready(self) -> None:
        from archives.timeline import register_timeline_provider
        from notifications.access import register_related
        from workflow.room_uses import register_room_use_source

        from . import (
            access,
            audit_actions,  # noqa: F401  (registers this domain's audit actions)
            jobs,  # noqa: F401  (registers the offers' expiry job)
        )
        from .models import Registration
        from .selectors import archive_activity_entries
        from .services import room_use_of_activities

        register_timeline_provider(archive_activity_entries)
        register_room_use_source(room_use_of_activities)
        # Messages to registrants are seen by those who see the registration.
        register_related(Registration, access.filter_activity_rows)
