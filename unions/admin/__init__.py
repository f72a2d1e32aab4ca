"""The admin: data entry in Vietnamese, every list and form scoped to the user.

Django's admin autodiscovery imports this package; importing the modules below registers their
ModelAdmins on the project's site (`unions.web.site.ProtectedAdminSite`).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from unions.admin import enterprises, imports, members, reference, users  # noqa: F401

admin.site.site_header = _("Union coverage and Party referrals")
admin.site.site_title = _("Union coverage")
admin.site.index_title = _("Data entry")
