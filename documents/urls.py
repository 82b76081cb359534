from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("rounds/<int:round_pk>/", views.round_documents, name="round_documents"),
    path("rounds/<int:round_pk>/status/", views.round_documents_status, name="round_documents_status"),
    path("rounds/<int:round_pk>/<slug:kind>/produce/", views.document_produce, name="produce"),
    path("<int:pk>/download/", views.document_download, name="download"),
]
