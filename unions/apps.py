from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    default = True
    name = "unions"
    verbose_name = _("Unions and enterprises")

    def ready(self) -> None:
        from unions.access.roles import sync_roles_after_migrate

        # Role groups get the permissions of models added after their data migration.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="sync_roles")
        from unions.web.site import remember_otp_devices

        # Whether the user has a second factor, noted once at sign-in rather than on every page.
        user_logged_in.connect(remember_otp_devices, dispatch_uid="remember_otp_devices")
        # Each kind of import registers itself with the engine when its module is imported.
        from unions.enterprises import enterprise_import, union_import  # noqa: F401
        from unions.members import importing  # noqa: F401


class ProtectedAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with the project's site (`unions.web.site.ProtectedAdminSite`)."""

    default = False  # INSTALLED_APPS names it; "unions" itself is UnionsConfig

    def ready(self) -> None:
        super().ready()  # autodiscovery: every app's admin is registered after this
        from unions.admin.users import protect_other_apps_admins

        protect_other_apps_admins()

    default_site = "unions.web.site.ProtectedAdminSite"
