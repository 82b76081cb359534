from django.contrib import admin

from .models import LoginSession, PasswordHistory


class ReadOnlyAdmin(admin.ModelAdmin):
    """Kept by the login and password code only; the administrator reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at"]  # never the hash
    fields = ["user", "created_at"]
    search_fields = ["user__username"]


@admin.register(LoginSession)
class LoginSessionAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    search_fields = ["user__username"]
