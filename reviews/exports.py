"""The applications of a round as a spreadsheet: each with its review stages and expert scores."""
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from core.exports import Column
from core.models import TransitionLog
from unions.permissions import shown_id_number, shown_mobile

from . import scoring, selectors
from .models import Application

# Which logged transitions are the preliminary review (初审) and the municipal audit (审核).
PRELIMINARY = {"recommend", "return_for_revision", "reject"}
AUDIT = {"audit_accept", "audit_return_for_revision", "audit_reject"}
DECISION = {"deliberate", "objection_upheld"}


def columns():
    return [
        Column(_("序号"), 6), Column(_("拟命名名称"), 34), Column(_("领衔人"), 10), Column(_("领衔人身份证号"), 22),
        Column(_("领衔人手机号"), 14), Column(_("申报单位"), 32),
        Column(_("推荐单位"), 22), Column(_("当前状态"), 14), Column(_("提交时间"), 17),
        Column(_("初审结果"), 14), Column(_("初审时间"), 17), Column(_("初审意见"), 30),
        Column(_("审核结果"), 14), Column(_("审核时间"), 17), Column(_("审核意见"), 30),
        Column(_("专家得分"), 10, "0.0"), Column(_("已评分专家"), 10), Column(_("分差"), 8, "0.0"), Column(_("排名"), 6),
        Column(_("集体研究及公示"), 22), Column(_("命名文号"), 20),
    ]


def _last_steps(applications):
    """For each application, its last preliminary, audit and decision entries (one query)."""
    steps = {a.pk: {} for a in applications}
    logs = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id__in=list(steps),
        transition__in=PRELIMINARY | AUDIT | DECISION).order_by("at", "pk")
    for log in logs:
        stage = "preliminary" if log.transition in PRELIMINARY else "audit" if log.transition in AUDIT else "decision"
        steps[log.object_id][stage] = log  # later entries replace earlier ones: a resubmission is reviewed again
    return steps


def application_rows(naming_round, user):
    """One row per application; the leader's identity number and mobile in full only where `user` may read them
    (unions.permissions.sees_personal_data), masked otherwise."""
    applications = list(Application.objects.filter(naming_round=naming_round)
                        .select_related("unit", "unit__recommending_union")
                        .order_by("unit__recommending_union__path", "unit__name", "pk"))
    steps = _last_steps(applications)
    scores = {row["application"].pk: row
              for row in scoring.ranking(selectors.panel_rows(naming_round), naming_round.rule_set)}
    for number, application in enumerate(applications, start=1):
        stage = steps[application.pk]
        preliminary, audit, decision = stage.get("preliminary"), stage.get("audit"), stage.get("decision")
        score = scores.get(application.pk, {})
        scored = [a for a in score.get("assignments", []) if a.status == "scored"]
        yield (
            number, application.studio_name, application.leader_name,
            shown_id_number(user, application, application.leader_id_number),
            shown_mobile(user, application, application.leader_mobile), application.unit.name,
            application.unit.recommending_union.name if application.unit.recommending_union else "",
            application.get_status_display(), application.submitted_at,
            preliminary.label if preliminary else "", preliminary.at if preliminary else None,
            preliminary.comment if preliminary else "",
            audit.label if audit else "", audit.at if audit else None, audit.comment if audit else "",
            score.get("score"), len(scored) if score else None, score.get("spread"), score.get("rank"),
            decision.label if decision else "",
            naming_round.decision_number if application.status == "named" else "",
        )
