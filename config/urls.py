"""Top-level URLs: the admin (data entry), the apps' pages and the language switch."""

from django.contrib import admin
from django.urls import include, path

from referrals import views as referral_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("imports/", include("unions.web.urls")),
    # Home: the province dashboard for viewers and provincial staff, a district's page for its
    # staff and viewers.
    path("", referral_views.home, name="home"),
    path("", include("referrals.urls")),
]
