from django.urls import path

from . import views

app_name = "subsidies"
urlpatterns = [
    path("", views.grant_list, name="list"),
    path("new/", views.grant_new, name="new"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.grant_detail, name="detail"),
    path("<int:pk>/ledger/", views.ledger, name="ledger"),
    path("<int:pk>/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("entries/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("accounts/<int:union_pk>/", views.account, name="account"),
]
