"""Pages anyone may open without logging in."""
from django.urls import path

from reviews import public_views as publicity
from studios import public_views as registry

app_name = "public"
urlpatterns = [
    path("registry/", registry.registry, name="registry"),
    path("registry/<int:pk>/", registry.studio, name="studio"),
    path("alliances/", registry.alliance_list, name="alliance_list"),
    path("alliances/<int:pk>/", registry.alliance_detail, name="alliance_detail"),
    path("publicity/", publicity.publicity_index, name="publicity_index"),
    path("publicity/<int:pk>/", publicity.publicity_detail, name="publicity_detail"),
]
