"""Studio alliances (第十七条), kept by the municipal union; mounted at /alliances/."""
from django.urls import path

from . import alliance_views as views

app_name = "alliances"
urlpatterns = [
    path("", views.alliance_list, name="list"),
    path("new/", views.alliance_new, name="new"),
    path("<int:pk>/", views.alliance_detail, name="detail"),
    path("<int:pk>/edit/", views.alliance_edit, name="edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:studio_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/projects/add/", views.project_add, name="project_add"),
]
