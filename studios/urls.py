from django.urls import path

from . import views

app_name = "studios"
urlpatterns = [
    path("", views.studio_list, name="list"),
    path("<int:pk>/", views.studio_detail, name="detail"),
]
