"""Django's admin app with the project's site (`unions.admin_site.ProtectedAdminSite`)."""

from django.contrib.admin.apps import AdminConfig


class ProtectedAdminConfig(AdminConfig):
    default_site = "unions.admin_site.ProtectedAdminSite"
