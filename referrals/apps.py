from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals to the Party")

    def ready(self) -> None:
        # The member-list and register imports join the engine's kinds (commands and the
        # browser's import screens); unions never imports referrals.
        from referrals import importing  # noqa: F401
