"""Permissions of the staff home (the code keeps its first app's name: stored and tested as is)."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import ALL_STAFF

USE_STAFF_HOME = declare("core.use_staff_home", _("Use the staff area"), ALL_STAFF)
