"""Pages of the subsidies (第十二条, 第十三条): the grants, one grant with its transfer, its ledger and export, the
overview, and a unit union's account. The services decide; these translate HTTP."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import search
from core.conflicts import Conflict
from core.downloads import download
from core.exports import Column, xlsx_response
from core.lists import paginate, render_paged
from reviews.views.common import report_errors, submit_form
from rules.models import RuleSet
from unions.models import Role
from unions.permissions import is_municipal_staff, is_unit_staff_of

from . import account_services, grant_services, ledger_services, selectors
from .forms import (
    BankAccountForm, ExpenseForm, GrantApproveForm, GrantCancelForm, GrantCloseForm, GrantPlanForm, ReverseForm,
    TransferDecisionForm, TransferPrepareForm,
)
from .models import GrantStatus, TransferStatus
from .permissions import can_keep_account, mask_account_number, sees_all_grants

MONEY_FORMAT = "#,##0.00"


@login_required
def grant_list(request):
    user = request.user
    if user.role == Role.EXPERT and not sees_all_grants(user):
        raise PermissionDenied
    grants = selectors.grant_list(user).order_by("-year", "studio__unit__recommending_union__path", "studio__name",
                                                 "-pk")
    status, year, query = request.GET.get("status", ""), request.GET.get("year", ""), request.GET.get("q", "").strip()
    if status in GrantStatus.values:
        grants = grants.filter(status=status)
    if year.isdigit():
        grants = grants.filter(year=int(year))
    if query:
        grants = search.of_studios(grants, query)
    return render_paged(request, "subsidies/grant_list.html", "subsidies/_grants.html", {
        "page": paginate(request, grants), "statuses": GrantStatus.choices, "status": status, "year": year,
        "years": selectors.overview_years(), "q": query, "can_plan": is_municipal_staff(user),
        "sees_overview": sees_all_grants(user)})


@login_required
def grant_new(request):
    """拟定补助资金 (第十三条): municipal staff only."""
    user = request.user
    if not is_municipal_staff(user):
        raise PermissionDenied
    form = GrantPlanForm(request.POST or None, studios=selectors.eligible_studios(),
                         rule_set=RuleSet.objects.current())
    planned = []
    if request.method == "POST" and form.is_valid() and submit_form(
            request, form, lambda d: planned.append(grant_services.grant_plan(
                user, d["studio"], amount=d["amount"], note=d["note"])), _("已拟定补助资金，待批准。")):
        return redirect("subsidies:detail", planned[0].pk) if planned else redirect("subsidies:list")
    return render(request, "subsidies/grant_form.html", {"form": form})


def _grant_forms(request, grant, waiting):
    """The forms municipal staff may use on the grant now; only the posted one is bound."""
    if not is_municipal_staff(request.user):
        return {}
    action = request.POST.get("action", "")

    def bound(name, form_class, **initial):
        data = request.POST if action in (name, f"{name}_return") else None
        return form_class(data, prefix=name, initial=initial or {"from_status": grant.status})

    forms = {}
    if grant.status == GrantStatus.PLANNED:
        forms["approve"] = bound("approve", GrantApproveForm)
    if grant.status in (GrantStatus.PLANNED, GrantStatus.APPROVED):
        forms["cancel"] = bound("cancel", GrantCancelForm)
    if grant.status == GrantStatus.APPROVED and waiting is None:
        forms["prepare"] = bound("prepare", TransferPrepareForm)
    if waiting is not None:
        forms["transfer"] = bound("transfer", TransferDecisionForm, from_status=waiting.status)
    if grant.status == GrantStatus.TRANSFERRED:
        forms["close"] = bound("close", GrantCloseForm)
    return forms


def _grant_post(request, grant, waiting, forms):
    user, action = request.user, request.POST.get("action", "")
    calls = {
        "approve": (lambda d: grant_services.grant_approve(
            user, grant, from_status=d["from_status"], decision_number=d["decision_number"]),
            _("已批准补助资金，待拨付。")),
        "cancel": (lambda d: grant_services.grant_cancel(user, grant, from_status=d["from_status"],
                                                         reason=d["reason"]), _("已撤销补助资金。")),
        "prepare": (lambda d: grant_services.transfer_prepare(
            user, grant, from_status=d["from_status"], transferred_on=d["transferred_on"],
            voucher_number=d["voucher_number"]), _("已办理拨付，待经办人以外的工作人员审批（第十二条）。")),
        "transfer": (lambda d: grant_services.transfer_approve(user, waiting, from_status=d["from_status"]),
                     _("已审批拨付：补助资金已转入单位工会账户，台账记入拨入。")),
        "transfer_return": (lambda d: grant_services.transfer_send_back(
            user, waiting, from_status=d["from_status"], comment=d["comment"]), _("已退回拨付，可重新办理。")),
        "close": (lambda d: grant_services.grant_close(user, grant, from_status=d["from_status"], note=d["note"]),
                  _("补助资金已结项。")),
    }
    if not is_municipal_staff(user) or action not in calls:  # 第十二条, 第十三条: the municipal union's steps
        raise PermissionDenied
    form = forms.get(action.removesuffix("_return"))
    if form is None:  # the page was older than the grant's state: someone else acted, or a double submit
        raise Conflict(_("该补助资金已变为“%(s)s”，请查看最新状态后再操作。") % {"s": grant.get_status_display()}, grant)
    call, success = calls[action]
    if form.is_valid() and submit_form(request, form, call, success):
        return redirect("subsidies:detail", grant.pk)
    return None


@login_required
def grant_detail(request, pk):
    user = request.user
    grant = selectors.grant_detail(user, pk)
    transfers = list(selectors.grant_transfers(grant))
    waiting = next((t for t in transfers if t.status == TransferStatus.PREPARED), None)
    forms = _grant_forms(request, grant, waiting)
    if request.method == "POST":
        done = _grant_post(request, grant, waiting, forms)
        if done:
            return done
    account = selectors.account_of(grant.studio.unit)
    return render(request, "subsidies/grant_detail.html", {
        "grant": grant, "studio": grant.studio, "forms": forms, "waiting": waiting,
        "transfers": [(t, mask_account_number(t.account_number, user)) for t in transfers],
        "account": account, "account_number": mask_account_number(account.number, user) if account else "",
        "can_keep_account": can_keep_account(user, grant.studio.unit),
        "totals": selectors.grant_totals(grant),
        "history": selectors.grant_history(grant),
    })


@login_required
def ledger(request, pk):
    """The grant's own ledger (第十二条: 单独核算); the unit union records its expenses here (第十三条)."""
    user = request.user
    grant = selectors.grant_detail(user, pk)
    in_use = grant.status == GrantStatus.TRANSFERRED
    form = None
    if in_use and is_unit_staff_of(user, grant.studio):
        form = ExpenseForm(request.POST or None, request.FILES or None, prefix="expense")
    if request.method == "POST":
        if not is_unit_staff_of(user, grant.studio):  # 第十二条: the unit union keeps the ledger
            raise PermissionDenied
        if form is None:
            raise Conflict(_("补助资金%(s)s，不能登记支出。") % {"s": grant.get_status_display()}, grant)
        if form.is_valid() and submit_form(request, form, lambda d: ledger_services.expense_record(
                user, grant, **d), _("已登记支出。")):
            return redirect("subsidies:ledger", grant.pk)
    rows = selectors.ledger(grant)
    return render(request, "subsidies/ledger.html", {
        "grant": grant, "studio": grant.studio, "rows": rows, "sums": selectors.ledger_sums(rows), "form": form,
        "can_reverse": in_use and (is_unit_staff_of(user, grant.studio) or is_municipal_staff(user)),
    })


@require_POST
@login_required
def entry_reverse(request, pk):
    """冲销 a recorded expense: a new entry of the opposite amount; the recorded one never changes."""
    entry = selectors.entry_detail(request.user, pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明冲销的原因。"))
    else:
        try:
            ledger_services.entry_reverse(request.user, entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("已冲销，台账记入一笔冲销记录。"))
    return redirect("subsidies:ledger", entry.grant_id)


@login_required
def ledger_export(request, pk):
    """The ledger as Excel, for municipal staff and auditors (第十二条: 接受审查审计监督): real dates, and yuan as
    numbers with two places, with the totals on the last line."""
    grant = selectors.grant_detail(request.user, pk)
    rows = selectors.ledger(grant)
    sums = selectors.ledger_sums(rows)
    columns = [Column(_("日期"), 12), Column(_("类型"), 8), Column(_("用途"), 14), Column(_("摘要"), 44),
               Column(_("拨入（元）"), 14, MONEY_FORMAT), Column(_("支出（元）"), 14, MONEY_FORMAT),
               Column(_("余额（元）"), 14, MONEY_FORMAT), Column(_("票据"), 24), Column(_("登记人"), 10),
               Column(_("登记时间"), 18)]

    def lines():
        for row in rows:
            entry = row.entry
            category = entry.reverses.get_category_display() if entry.reverses else entry.get_category_display()
            yield [entry.occurred_on, entry.get_kind_display(), category, entry.description, entry.income,
                   entry.outgo, row.balance, entry.receipt_name, entry.recorded_by.display_name, entry.recorded_at]
        yield [_("合计"), "", "", "", sums["transferred"], sums["spent"], sums["balance"], "", "", ""]

    filename = _("补助资金台账_%(s)s_%(y)d.xlsx") % {"s": grant.studio.name, "y": grant.year}
    return xlsx_response(filename, _("补助资金台账"), columns, lines(), subject=grant)


@login_required
def receipt(request, pk):
    entry = selectors.entry_detail(request.user, pk)
    if not entry.receipt:
        raise Http404
    return download(entry.receipt.open("rb"), entry.receipt_name, subject=entry)


@login_required
def overview(request):
    """Per year and per recommending union: granted, transferred, spent, unspent; and money left unused."""
    if not sees_all_grants(request.user):
        raise PermissionDenied
    years = selectors.overview_years()
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (years[0] if years else timezone.localdate().year)
    by_union, by_year = selectors.overview_by_union(year), selectors.overview_by_year()
    months = selectors.idle_months()
    return render(request, "subsidies/overview.html", {
        "year": year, "years": years, "by_union": by_union, "union_total": selectors.total(by_union, _("合计")),
        "by_year": by_year, "year_total": selectors.total(by_year, _("合计")), "months": months,
        "idle": selectors.idle_grants(months),
    })


@login_required
def account(request, union_pk):
    """The unit union's account (第十二条), kept by its staff or municipal staff; the number shown masked except
    to finance staff, and asked in full again on every change."""
    user = request.user
    union = selectors.account_union(user, union_pk)
    current = selectors.account_of(union)
    form = None
    if can_keep_account(user, union):
        initial = {"account_name": current.account_name, "bank": current.bank} if current else {
            "account_name": union.name}
        form = BankAccountForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid() and submit_form(request, form, lambda d: account_services.bank_account_save(
                user, union, **d), _("已保存单位工会账户。")):
            return redirect("subsidies:account", union.pk)
    return render(request, "subsidies/account.html", {
        "union": union, "account": current, "form": form,
        "number": mask_account_number(current.number, user) if current else "",
        "history": selectors.account_history(current),
    })
