"""The limit views at the addresses of their pages, under /bench/limit/ (bench.pages.limit_path)."""
from django.urls import path

from . import limits

app_name = "bench"
urlpatterns = [
    path("", limits.dashboard, name="dashboard"),
    path("studios/", limits.studio_list, name="studio_list"),
    path("studios/export/", limits.studio_export, name="studio_export"),
    path("studios/<int:pk>/", limits.studio_detail, name="studio_detail"),
    path("studios/changes/<int:pk>/agree/", limits.change_agree, name="change_agree"),
    path("reviews/applications/", limits.application_list, name="application_list"),
    path("reviews/applications/<int:pk>/", limits.application_detail, name="application_detail"),
    path("public/registry/", limits.registry, name="registry"),
    path("public/registry/<int:pk>/", limits.registry_studio, name="registry_studio"),
]
