"""The main menu, by role. Only pages that exist are listed (no placeholders)."""
from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse
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


@lru_cache(maxsize=64)
def _address(name, prefix):  # the script prefix (which reverse() reads itself) is part of the key
    return reverse(name)


def address(name):
    """reverse(name), worked out once per process: every page's menu asks for the same dozen addresses."""
    return _address(name, get_script_prefix())


def menu_for(user, current_path):
    entries = [(_("工作台"), address("dashboard"), True), (_("命名批次"), address("reviews:round_list"), False)]
    works_with_studios = sees_whole_tree(user) or user.role in (Role.UNIT_STAFF, Role.RECOMMENDING_STAFF)
    if works_with_studios:
        entries.append((_("申报"), address("reviews:application_list"), False))
        entries.append((_("创新工作室"), address("studios:list"), False))
        entries.append((_("年度考核"), address("assessments:annual"), False))
        entries.append((_("周期考核"), address("assessments:cycle_list"), False))
        entries.append((_("整改"), address("assessments:rectification_list"), False))
    if works_with_studios or is_auditor(user):
        entries.append((_("补助资金"), address("subsidies:list"), False))
    if sees_whole_tree(user):
        entries.append((_("推荐评先"), address("assessments:recommendation_list"), False))
        entries.append((_("工作室联盟"), address("alliances:list"), False))
    if user.role == Role.EXPERT:
        entries.append((_("评审任务"), address("reviews:assignment_list"), False))
        entries.append((_("周期考核评审"), address("assessments:cycle_reviews"), False))
    if sees_whole_tree(user) or user.role == Role.RECOMMENDING_STAFF:
        entries.append((_("工会组织"), address("unions:list"), False))
    if can_view_audit(user):
        entries.append((_("审计记录"), address("audit:list"), False))
    if user.is_staff:
        entries.append((_("系统管理"), address("admin:index"), False))
    items = []
    for label, url, exact in entries:
        active = current_path == url if exact else current_path.startswith(url)
        items.append(NavItem(label=label, url=url, active=active))
    return items
