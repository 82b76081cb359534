from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path("annual/export/", views.annual_export, name="annual_export"),
    path("annual/<int:year>/report-up/", views.annual_report_up, name="annual_report_up"),
    path("annual/studios/<int:studio_pk>/<int:year>/", views.annual_studio, name="annual_studio"),
]
