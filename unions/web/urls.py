"""Import screens, mounted at /imports/ (config/urls.py)."""

from django.urls import path

from unions.web import views

app_name = "unions"

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/<slug:kind>/", views.import_upload, name="import_upload"),
    path("template/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("<int:pk>/status.json", views.import_status, name="import_status"),
    path("<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
