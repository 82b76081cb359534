"""Importing the studios named before this system: the template, the upload, the report of problems."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unions.permissions import is_municipal_staff

from . import importing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("填好的 Excel 文件"))


@login_required
def studio_import(request):
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            count = importing.import_studios(request.user, form.cleaned_data["file"])
        except importing.ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(request, _("已导入 %(n)d 个工作室。") % {"n": count})
            return redirect("studios:list")
    return render(request, "studios/import.html", {"form": form, "problems": problems})


@login_required
def import_template(request):
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    response = HttpResponse(importing.template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E5%AE%A4%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response
