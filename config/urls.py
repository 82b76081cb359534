from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from core import views as core_views

admin.site.site_header = "揭阳市劳模和工匠人才创新工作室管理系统"
admin.site.site_title = "创新工作室系统管理"
admin.site.index_title = "系统管理"

# The only routes an anonymous visitor may open; every other route must send them to the
# login page. tests/security/test_routes.py walks every pattern and fails on a route that
# is neither listed here nor protected, so a new public page has to be declared here.
PUBLIC_ROUTES = frozenset({
    "login",
    "logout",  # ends a session if there is one; harmless without
    "healthz",  # monitoring: database and broker up, no data
    "set_language",
    "public:registry",
    "public:studio",
    "public:alliance_list",
    "public:alliance_detail",
    "public:publicity_index",
    "public:publicity_detail",  # carries the online objection form (第六条: 社会公示)
    "admin:login",
    "admin:logout",
})

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("statistics/<slug:table>.xlsx", core_views.statistics_export, name="statistics_export"),
    path("healthz", core_views.healthz, name="healthz"),
    path("inbox/", core_views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", core_views.inbox_open, name="inbox_open"),
    path("inbox/read-all/", core_views.inbox_read_all, name="inbox_read_all"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("public/", include("config.public_urls")),
    path("assessments/", include("assessments.urls")),
    path("documents/", include("documents.urls")),
    path("reviews/", include("reviews.urls")),
    path("studios/", include("studios.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("alliances/", include("studios.alliance_urls")),
    path("unions/", include("unions.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

# The benchmark's limit views (bench/limits.py), only in a process started by `make bench`.
if settings.BENCH_LIMIT_VIEWS:
    urlpatterns.append(path("bench/limit/", include("bench.urls")))
