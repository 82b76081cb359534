"""The eligibility panel (第五条): each condition as pass, warning or fail, with its article and reason.

Computed from the application and the round's rule set. A fail blocks
submission; a warning is shown to every reviewer but does not (第五条 says
原则上 for the lower-level naming, so its absence is only a warning).
"""
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LowerNaming, ResultKind, SystemKind

PASS, WARNING, FAIL = "pass", "warning", "fail"


@dataclass(frozen=True)
class Check:
    article: str
    title: str
    outcome: str
    reasons: tuple

    @property
    def blocks(self):
        return self.outcome == FAIL


def _check(article, title, fails=(), warnings=(), passed=""):
    if fails:
        return Check(article, title, FAIL, tuple(fails) + tuple(warnings))
    if warnings:
        return Check(article, title, WARNING, tuple(warnings))
    return Check(article, title, PASS, (passed,) if passed else ())


def _months_between(start, end):
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def check_application(application, members, results, today=None):
    """All conditions of 第五条 for `application`, given its team `members` and innovation `results`."""
    rules = application.naming_round.rule_set
    today = today or timezone.localdate()
    return [
        _team(application, members, rules, today),
        _platform(application),
        _plan(application),
        _systems(application),
        _training(application),
        _funding(application),
        _results(application, results, rules),
        _demonstration(application),
        _not_rnd(application),
        _lower_naming(application),
    ]


def blocking_reasons(checks):
    return [f"{c.article}：{reason}" for c in checks if c.blocks for reason in c.reasons]


def _team(app, members, rules, today):
    fails, warnings = [], []
    if not app.leader_name.strip():
        fails.append(_("未填写领衔人。"))
    if not app.leader_honour:
        fails.append(_("领衔人须为市级以上劳模或有精湛技艺的工匠人才，请填写其荣誉称号。"))
    if app.founded_on is None:
        fails.append(_("未填写团队组建日期。"))
    else:
        months = _months_between(app.founded_on, today)
        if months < rules.min_operating_years * 12:
            fails.append(_("团队组建于 %(date)s，至今运行 %(y)d 年 %(m)d 个月，不足 %(n)d 年。") % {
                "date": f"{app.founded_on:%Y-%m-%d}", "y": max(months, 0) // 12, "m": max(months, 0) % 12,
                "n": rules.min_operating_years})
    fails += _leader_identity(app)
    if len(members) < 3:
        warnings.append(_("团队成员只登记了 %(n)d 人，请确认团队稳定、分工明确。") % {"n": len(members)})
    return _check("第五条(一)", _("有稳定的工作团队"), fails, warnings,
                  _("领衔人%(name)s，团队 %(n)d 人。") % {"name": app.leader_name, "n": len(members)})


def _leader_identity(app):
    """The leader's identity number and mobile are on the form (the municipal union checks the 劳模 or 工匠 title
    by the number, 第五条(一)); one person leads one application in a round and, since 第六条 names the studio
    after the leader, no second titled studio. Found by the blind index, never by the number itself."""
    from studios.models import TITLED_STATES, Studio

    from .models import FINAL_STATES, Application

    fails = []
    if not app.leader_id_number:
        fails.append(_("未填写领衔人身份证号（市总工会据此核实劳模、工匠身份）。"))
    if not app.leader_mobile:
        fails.append(_("未填写领衔人手机号。"))
    if app.leader_id_number_index:
        others = Application.objects.filter(naming_round_id=app.naming_round_id,
                                            leader_id_number_index=app.leader_id_number_index)
        if others.exclude(pk=app.pk).exclude(status__in=FINAL_STATES).exists():
            fails.append(_("本批次已有另一份申报以同一人（身份证号相同）为领衔人。"))
        studio = Studio.objects.filter(leader__id_number_index=app.leader_id_number_index,
                                       status__in=TITLED_STATES).first()
        if studio is not None:
            fails.append(_("该领衔人已领衔“%(s)s”（第六条：工作室以领衔人姓名命名）。") % {"s": studio.name})
    return fails


def _platform(app):
    fails = []
    if not app.venue_address.strip():
        fails.append(_("未填写固定的活动场所。"))
    if not app.equipment.strip():
        fails.append(_("未填写基本设备设施。"))
    warnings = [] if app.has_plaque else [_("尚未挂工作室牌匾，标志应明显。")]
    return _check("第五条(二)", _("有独立的工作平台"), fails, warnings)


def _plan(app):
    fails = [] if app.annual_plan.strip() else [_("未填写年度工作方案或项目推进计划。")]
    return _check("第五条(三)", _("有明确的计划目标"), fails)


def _systems(app):
    present = set(app.systems or [])
    if not present:
        return _check("第五条(四)", _("有健全的工作制度"), [_("未勾选任何已建立的制度。")])
    missing = [str(kind.label) for kind in SystemKind if kind not in present]
    warnings = []
    if missing:
        warnings.append(_("尚缺%(names)s制度。") % {"names": "、".join(missing)})
    if not app.systems_posted:
        warnings.append(_("制度应张贴上墙。"))
    return _check("第五条(四)", _("有健全的工作制度"), warnings=warnings)


def _training(app):
    fails = [] if app.training.strip() else [_("未填写培训交流活动。")]
    return _check("第五条(五)", _("有完善的培养机制"), fails)


def _funding(app):
    fails = [] if app.funding.strip() else [_("未填写经费来源。")]
    return _check("第五条(六)", _("有可靠的经费保障"), fails)


def _results(app, results, rules):
    """第五条(七): each of the last full years of operation has enough recognised results or patents."""
    year = app.naming_round.year
    years = range(year - rules.min_operating_years, year)
    fails, warnings = [], []
    for y in years:
        count = sum(1 for r in results if r.year == y and r.kind in (ResultKind.PATENT, ResultKind.RECOGNITION))
        if count < rules.results_per_year_min:
            fails.append(_("%(year)d 年得到县级以上部门认可或获得国家专利的创新成果 %(n)d 项，每年应有 %(min)d-%(max)d 项。")
                         % {"year": y, "n": count, "min": rules.results_per_year_min, "max": rules.results_per_year_max})
    for r in results:
        if r.kind == ResultKind.PATENT and not r.patent_number.strip():
            warnings.append(_("专利“%(title)s”未填写专利号。") % {"title": r.title})
        if r.kind == ResultKind.RECOGNITION and not (r.level and r.issuing_body.strip()):
            warnings.append(_("成果“%(title)s”应写明认可级别和认可机关。") % {"title": r.title})
    return _check("第五条(七)", _("有一定的创新成果"), fails, warnings,
                  _("%(first)d–%(last)d 年共 %(n)d 项成果。") % {"first": years[0], "last": years[-1], "n": len(results)})


def _demonstration(app):
    warnings = [] if app.demonstration.strip() else [_("未填写示范效应（传帮带、先进操作法推广、成果转化）。")]
    return _check("第五条(八)", _("有良好的示范效应"), warnings=warnings)


def _not_rnd(app):
    fails = [] if app.not_rnd_declaration else [_("须声明本工作室不是企事业单位原有建制的研发机构或班组。")]
    return _check("第五条(九)", _("不属于原有建制的研发机构和班组"), fails)


def _lower_naming(app):
    if app.lower_naming == LowerNaming.NONE:
        return _check("第五条", _("原则上从下级命名的工作室中产生"),
                      warnings=[_("未填写县级或其他下级命名；第五条规定原则上从已命名的下级工作室中产生。")])
    detail = LowerNaming(app.lower_naming).label
    if app.lower_naming_date:
        detail = f"{detail}（{app.lower_naming_date:%Y-%m-%d}，{app.lower_naming_body or _('命名机关未填')}）"
    return _check("第五条", _("原则上从下级命名的工作室中产生"), passed=detail)
