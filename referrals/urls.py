"""The dashboards, their exports and the JSON documents (URL names under "referrals:")."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("dashboard/", views.province, name="dashboard"),
    path("dashboard/export/<slug:table>.xlsx", views.export, name="export"),
    path("dashboard/members/", views.members, name="members"),
    path("dashboard/<str:code>/", views.district, name="district"),
    path(
        "dashboard/<str:code>/export/<slug:table>.xlsx",
        views.export,
        name="district_export",
    ),
    path("api/coverage.json", views.coverage_json, name="coverage_json"),
    path("api/pipeline.json", views.pipeline_json, name="pipeline_json"),
]
