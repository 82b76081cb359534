from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/advance/", views.round_advance, name="round_advance"),
    path("rounds/<int:pk>/deadlines/", views.round_deadlines, name="round_deadlines"),
    path("rounds/<int:pk>/export/", views.round_export, name="round_export"),
    path("rounds/<int:round_pk>/apply/", views.application_new, name="application_new"),
    path("rounds/<int:round_pk>/panel/", views.panel, name="panel"),
    path("rounds/<int:round_pk>/panel/experts/", views.panel_save, name="panel_save"),
    path("rounds/<int:round_pk>/panel/auto-assign/", views.panel_auto_assign, name="panel_auto_assign"),
    path("rounds/<int:round_pk>/panel/assign/", views.panel_assign, name="panel_assign"),
    path("rounds/<int:round_pk>/decision/", views.decision, name="decision"),
    path("rounds/<int:round_pk>/objections/", views.objections, name="objections"),
    path("rounds/<int:round_pk>/approve/", views.publicity_approve, name="publicity_approve"),
    path("rounds/<int:round_pk>/naming/", views.naming, name="naming"),
    path("objections/<int:pk>/handle/", views.objection_handle, name="objection_handle"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/score/", views.assignment_score, name="assignment_score"),
    path("assignments/<int:pk>/recuse/", views.assignment_recuse, name="assignment_recuse"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("applications/<int:pk>/site-visit/", views.site_visit, name="site_visit"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"),
]
