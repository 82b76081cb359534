"""The main menu, by role. Only pages that exist are listed (no placeholders)."""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.permissions import can_view_audit
from subsidies.permissions import is_auditor
from unions.models import Role
from unions.scoping import sees_whole_tree


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def menu_for(user, current_path):
    entries = [(_("工作台"), reverse("dashboard"), True), (_("命名批次"), reverse("reviews:round_list"), False)]
    works_with_studios = sees_whole_tree(user) or user.role in (Role.UNIT_STAFF, Role.RECOMMENDING_STAFF)
    if works_with_studios:
        entries.append((_("申报"), reverse("reviews:application_list"), False))
        entries.append((_("创新工作室"), reverse("studios:list"), False))
        entries.append((_("年度考核"), reverse("assessments:annual"), False))
        entries.append((_("周期考核"), reverse("assessments:cycle_list"), False))
        entries.append((_("整改"), reverse("assessments:rectification_list"), False))
    if works_with_studios or is_auditor(user):
        entries.append((_("补助资金"), reverse("subsidies:list"), False))
    if sees_whole_tree(user):
        entries.append((_("推荐评先"), reverse("assessments:recommendation_list"), False))
        entries.append((_("工作室联盟"), reverse("alliances:list"), False))
    if user.role == Role.EXPERT:
        entries.append((_("评审任务"), reverse("reviews:assignment_list"), False))
        entries.append((_("周期考核评审"), reverse("assessments:cycle_reviews"), False))
    if sees_whole_tree(user) or user.role == Role.RECOMMENDING_STAFF:
        entries.append((_("工会组织"), reverse("unions:list"), False))
    if can_view_audit(user):
        entries.append((_("审计记录"), reverse("audit:list"), False))
    if user.is_staff:
        entries.append((_("系统管理"), reverse("admin:index"), False))
    items = []
    for label, url, exact in entries:
        active = current_path == url if exact else current_path.startswith(url)
        items.append(NavItem(label=label, url=url, active=active))
    return items
