from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("Unions and enterprises")

    def ready(self) -> None:
        from unions.access import sync_roles_after_migrate

        # Role groups get the permissions of models added after their data migration.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="sync_roles")
        from unions.admin_site import remember_otp_devices

        # Whether the user has a second factor, noted once at sign-in rather than on every page.
        user_logged_in.connect(remember_otp_devices, dispatch_uid="remember_otp_devices")
