from django.urls import path

from . import views

app_name = "studios"
urlpatterns = [
    path("", views.studio_list, name="list"),
    path("export/", views.studio_export, name="export"),
    path("<int:pk>/", views.studio_detail, name="detail"),
]
