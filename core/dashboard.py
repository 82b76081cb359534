"""The dashboard's cards: per role, counts of what the user looks after, each linking to its list."""
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.selectors import latest_open_round
from studios.models import StudioStatus
from studios.selectors import member_count, studio_counts
from unions.models import Role
from unions.scoping import sees_whole_tree
from unions.selectors import active_user_count, union_counts


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
    else:
        return []
    return [*_round_cards(), *cards]


def _round_cards():
    """The running naming round, if any: its phase and the deadline everyone works towards (第六条)."""
    naming_round = latest_open_round()
    if naming_round is None:
        return []
    deadline = naming_round.current_deadline
    label = _("%(year)d 年度命名：%(phase)s") % {"year": naming_round.year, "phase": naming_round.get_phase_display()}
    url = reverse("reviews:round_detail", args=[naming_round.pk])
    if deadline is None:
        return [Card(label, naming_round.get_phase_display(), url)]
    days = (deadline - timezone.localdate()).days
    value = _("剩 %(n)d 天") % {"n": days} if days >= 0 else _("已逾期 %(n)d 天") % {"n": -days}
    return [Card(label, value, url, _("本阶段截止：%(d)s") % {"d": f"{deadline:%Y-%m-%d}"}, attention=days <= 3)]


def _studio_cards(user, titled_label):
    counts = studio_counts(user)
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
    unions = union_counts(user)
    cards += [
        Card(_("已取消或摘牌"), counts["ended"], reverse("studios:list") + "?status=ended", _("第七条、第八条")),
        Card(_("推荐单位"), unions["recommending"], reverse("unions:list") + "?kind=recommending", _("县（市、区）总工会及市直基层工会")),
        Card(_("单位工会"), unions["units"], reverse("unions:list") + "?kind=unit"),
    ]
    if user.is_staff:
        cards.append(Card(_("有效账号"), active_user_count(user), reverse("admin:unions_user_changelist")))
    return cards


def _recommending_cards(user):
    cards, _counts = _studio_cards(user, _("辖区创新工作室"))
    cards.append(Card(_("辖区单位工会"), union_counts(user)["units"], reverse("unions:list") + "?kind=unit"))
    return cards


def _unit_cards(user):
    cards, _counts = _studio_cards(user, _("本单位创新工作室"))
    cards.append(Card(_("工作室成员"), member_count(user), reverse("studios:list"), _("第五条(一)：稳定的工作团队")))
    return cards
