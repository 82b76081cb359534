from django.urls import path

from . import cycle_views, recommendation_views, rectification_views, views

app_name = "assessments"
urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path("annual/export/", views.annual_export, name="annual_export"),
    path("annual/<int:year>/report-up/", views.annual_report_up, name="annual_report_up"),
    path("annual/studios/<int:studio_pk>/<int:year>/", views.annual_studio, name="annual_studio"),
    path("cycles/", cycle_views.cycle_list, name="cycle_list"),
    path("cycles/reviews/", cycle_views.cycle_reviews, name="cycle_reviews"),
    path("cycles/<int:pk>/", cycle_views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/recommend/", cycle_views.cycle_recommend, name="cycle_recommend"),
    path("cycles/<int:pk>/advance/", cycle_views.cycle_advance, name="cycle_advance"),
    path("cycles/<int:pk>/decision/", cycle_views.cycle_decision, name="cycle_decision"),
    path("cycles/<int:cycle_pk>/studios/<int:pk>/", cycle_views.cycle_evaluation, name="cycle_evaluation"),
    path("rectifications/", rectification_views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", rectification_views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/file/", rectification_views.rectification_file, name="rectification_file"),
    path("recommendations/", recommendation_views.recommendation_list, name="recommendation_list"),
    path("recommendations/new/", recommendation_views.recommendation_create, name="recommendation_create"),
    path("recommendations/<int:pk>/<slug:action>/", recommendation_views.recommendation_advance,
         name="recommendation_advance"),
]
