"""The dashboard's cards: per role, counts of what the user looks after, each linking to its list."""
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import selectors as assessment_selectors
from reviews.models import ApplicationStatus, RoundPhase
from reviews.permissions import can_manage_rounds
from reviews.selectors import latest_open_round, waiting_counts
from studios.models import ChangeRequest, ChangeStatus, StudioStatus
from studios.selectors import member_count, studio_counts
from subsidies import selectors as subsidy_selectors
from unions.models import Role
from unions.scoping import scoped, sees_whole_tree
from unions.selectors import active_user_count, union_counts

from .scoped_cache import cached_count


@dataclass(frozen=True)
class Card:
    label: str
    value: int | str
    url: str
    hint: str = ""
    attention: bool = False  # something that waits for the user


def cards_for(user):
    if sees_whole_tree(user):
        cards = _municipal_cards(user)
    elif user.role == Role.RECOMMENDING_STAFF:
        cards = _recommending_cards(user)
    elif user.role == Role.UNIT_STAFF:
        cards = _unit_cards(user)
    elif user.role == Role.EXPERT:
        cards = []
    else:
        return []
    return [*_round_cards(user), *cards, *_cycle_cards(user), *_subsidy_cards(user)]


def _round_cards(user):
    """The running naming round, if any: its phase, the deadline everyone works towards (第六条),
    and what in it waits for this user."""
    naming_round = latest_open_round()
    if naming_round is None:
        return []
    deadline = naming_round.current_deadline
    label = _("%(year)d 年度命名：%(phase)s") % {"year": naming_round.year, "phase": naming_round.get_phase_display()}
    url = reverse("reviews:round_detail", args=[naming_round.pk])
    return [_phase_card(label, naming_round.get_phase_display(), deadline, url),
            *_waiting_cards(user, naming_round)]


def _phase_card(label, phase, deadline, url):
    """A running process: the days left before the current phase's deadline, or just the phase."""
    if deadline is None:
        return Card(label, phase, url)
    days = (deadline - timezone.localdate()).days
    value = _("剩 %(n)d 天") % {"n": days} if days >= 0 else _("已逾期 %(n)d 天") % {"n": -days}
    return Card(label, value, url, _("本阶段截止：%(d)s") % {"d": f"{deadline:%Y-%m-%d}"}, attention=days <= 3)


def _waiting_cards(user, naming_round):
    counts = waiting_counts(user, naming_round)
    if user.role == Role.EXPERT:
        tasks = reverse("reviews:assignment_list")
        return [Card(_("待评分"), counts["to_score"], tasks, _("评分提交后不能修改（第六条：专家评审）"),
                     attention=counts["to_score"] > 0),
                Card(_("已评分"), counts["scored"], tasks)]
    applications = f"{reverse('reviews:application_list')}?round={naming_round.pk}&status="

    def card(label, status, hint):
        return Card(label, counts[status], applications + status, hint, attention=counts[status] > 0)

    if user.role == Role.UNIT_STAFF:
        return [card(_("退回待修改"), ApplicationStatus.RETURNED, _("修改后重新提交")),
                card(_("草稿未提交"), ApplicationStatus.DRAFT, _("申报截止前提交（第六条）"))]
    if user.role == Role.RECOMMENDING_STAFF:
        return [card(_("待初审"), ApplicationStatus.SUBMITTED, _("初审后推荐、退回或不予推荐（第六条）"))]
    if not can_manage_rounds(user):
        return []  # the system administrator keeps the system, not the workflow
    cards = [card(_("待审核"), ApplicationStatus.RECOMMENDED, _("市总工会组织审核（第六条）"))]
    if naming_round.phase == RoundPhase.PUBLICITY:
        cards.append(Card(_("待核实异议"), counts["objections"],
                          reverse("reviews:objections", args=[naming_round.pk]), _("公示期间收到的异议"),
                          attention=counts["objections"] > 0))
    return cards


def _studio_cards(user, titled_label):
    counts = cached_count(user, "studios", lambda: studio_counts(user))
    studios = reverse("studios:list")
    return [
        Card(titled_label, counts["titled"], studios, _("正常运行及整改中的市级创新工作室")),
        Card(
            _("限期整改"),
            counts["rectifying"],
            f"{studios}?status={StudioStatus.RECTIFYING}",
            _("周期考核不合格，须在期限内整改（第十一条）"),
            attention=counts["rectifying"] > 0,
        ),
    ], counts


def _municipal_cards(user):
    cards, counts = _studio_cards(user, _("在册创新工作室"))
    unions = cached_count(user, "unions", lambda: union_counts(user))
    cards += [
        Card(_("已取消或摘牌"), counts["ended"], reverse("studios:list") + "?status=ended", _("第七条、第八条")),
        Card(_("推荐单位"), unions["recommending"], reverse("unions:list") + "?kind=recommending", _("县（市、区）总工会及市直基层工会")),
        Card(_("单位工会"), unions["units"], reverse("unions:list") + "?kind=unit"),
    ]
    if user.role == Role.MUNICIPAL_STAFF:
        cards.append(_change_card(user, _("待审批变更"), ChangeStatus.RECOMMENDED, _("推荐单位已审核（第七条）")))
    if user.is_staff:
        cards.append(Card(_("有效账号"), active_user_count(user), reverse("admin:unions_user_changelist")))
    return cards


def _change_card(user, label, status, hint):
    """Change requests (第七条) waiting for this user's review or approval."""
    waiting = scoped(user, ChangeRequest.objects.filter(status=status)).count()
    return Card(label, waiting, f"{reverse('studios:change_list')}?status={status}", hint, attention=waiting > 0)


def _recommending_cards(user):
    cards, _counts = _studio_cards(user, _("辖区创新工作室"))
    cards.append(_change_card(user, _("待审核变更"), ChangeStatus.SUBMITTED, _("更换领衔人、更名、取消（第七条）")))
    units = cached_count(user, "unions", lambda: union_counts(user))["units"]
    cards.append(Card(_("辖区单位工会"), units, reverse("unions:list") + "?kind=unit"))
    return cards


def _unit_cards(user):
    cards, _counts = _studio_cards(user, _("本单位创新工作室"))
    members = cached_count(user, "members", lambda: member_count(user))
    cards.append(Card(_("工作室成员"), members, reverse("studios:list"), _("第五条(一)：稳定的工作团队")))
    return cards


def _cycle_cards(user):
    """The running cycle assessment (第十条) and the rectifications (第十一条): what waits for this user."""
    counts = assessment_selectors.waiting_counts(user)
    cards = []
    cycle = counts["cycle"]
    if cycle is not None:
        url = reverse("assessments:cycle_detail", args=[cycle.pk])
        label = _("%(y)d 年度周期考核：%(p)s") % {"y": cycle.year, "p": cycle.get_phase_display()}
        if user.role == Role.EXPERT:
            url = reverse("assessments:cycle_reviews")
        cards.append(_phase_card(label, cycle.get_phase_display(), cycle.current_deadline, url))
        waiting = {
            Role.UNIT_STAFF: (_("待提交自评"), "self_pending", _("工作室自评，%(d)s 前提交（第十条）") % {
                "d": f"{cycle.self_deadline:%Y-%m-%d}"}),
            Role.RECOMMENDING_STAFF: (_("待评价"), "self_submitted", _("推荐单位评价后初审推荐（第十条）")),
        }.get(user.role)
        if waiting:
            label, status, hint = waiting
            cards.append(Card(label, counts[status], f"{url}?status={status}", hint, attention=counts[status] > 0))
        if user.role == Role.EXPERT:
            cards.append(Card(_("周期考核待评分"), counts["to_score"], url, _("成果展示暨专家评审（第十条）"),
                              attention=counts["to_score"] > 0))
    rectifications = reverse("assessments:rectification_list")
    if user.role == Role.UNIT_STAFF and counts["open"]:
        cards.append(Card(_("待报告整改情况"), counts["open"], f"{rectifications}?status=open",
                          _("整改期满未报告的拟予摘牌（第十一条）"), attention=True))
    if user.role == Role.MUNICIPAL_STAFF:
        cards.append(Card(_("待复查整改"), counts["reported"], f"{rectifications}?status=reported",
                          _("单位已报告整改情况（第十一条）"), attention=counts["reported"] > 0))
        if counts["proposed"]:
            cards.append(Card(_("拟摘牌待确认"), counts["proposed"], rectifications,
                              _("整改不力或逾期，第八条(四)"), attention=True))
    return cards


def _subsidy_cards(user):
    """Subsidies (第十二条, 第十三条): grants and transfers waiting for municipal staff; the unit's grants in use and
    its missing bank account."""
    grants = reverse("subsidies:list")
    if user.role == Role.MUNICIPAL_STAFF:
        counts = subsidy_selectors.waiting_counts(user)
        return [Card(_("补助资金待批准"), counts["planned"], f"{grants}?status=planned", _("每家 2-3 万元（第十三条）"),
                     attention=counts["planned"] > 0),
                Card(_("拨付待审批"), counts["transfers"], f"{grants}?status=approved",
                     _("须由经办人以外的工作人员审批（第十二条）"), attention=counts["transfers"] > 0)]
    if user.role == Role.UNIT_STAFF:
        counts = subsidy_selectors.waiting_counts(user)
        cards = [Card(_("补助资金使用中"), counts["in_use"], f"{grants}?status=transferred",
                      _("登记支出，专款专用（第十三条）"))] if counts["in_use"] else []
        if counts["needs_account"]:
            cards.append(Card(_("请登记单位工会账户"), _("未登记"), reverse("subsidies:account", args=[user.union_id]),
                              _("补助资金转入单位工会账户（第十二条）"), attention=True))
        return cards
    return []
