from django.urls import path

from . import import_views, lifecycle_views, record_views, views

app_name = "studios"
urlpatterns = [
    path("", views.studio_list, name="list"),
    path("export/", views.studio_export, name="export"),
    path("import/", import_views.studio_import, name="import"),
    path("import/template/", import_views.import_template, name="import_template"),
    path("<int:pk>/", views.studio_detail, name="detail"),
    path("<int:pk>/record/", views.studio_record, name="record"),
    path("<int:pk>/changes/new/", lifecycle_views.change_new, name="change_new"),
    path("<int:pk>/delist/", lifecycle_views.delist, name="delist"),
    path("<int:pk>/leader/", record_views.leader_identity, name="leader_identity"),
    path("<int:pk>/<slug:what>/add/", record_views.record_add, name="record_add"),
    path("<int:pk>/<slug:what>/<int:record_pk>/remove/", record_views.record_remove, name="record_remove"),
    path("changes/", lifecycle_views.change_list, name="change_list"),
    path("changes/<int:pk>/evidence/", lifecycle_views.change_evidence, name="change_evidence"),
    path("changes/<int:pk>/<slug:action>/", lifecycle_views.change_action, name="change_action"),
    path("delistings/<int:pk>/evidence/", lifecycle_views.delisting_evidence, name="delisting_evidence"),
]
