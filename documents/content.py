"""What each document says, as plain data: the templates lay it out, and its digest decides whether
a kept file is still current (a renamed unit or a corrected date produces the document again)."""
import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.models import TransitionLog
from reviews.models import Application, ApplicationStatus

# Raised when the layout or wording changes, so kept files are produced again.
LAYOUT_VERSION = 1


def chinese_date(day):
    """成文日期 by GB/T 9704: Arabic numerals, the year in full, no padding (2026年12月1日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def unit_name(union):
    """所在单位: the company, not its trade union (揭阳市金叶机械制造有限公司工会 → …有限公司)."""
    return union.name.removesuffix("工会") or union.name


def _rows(applications):
    return [
        {"no": n, "studio": a.studio_name, "unit": unit_name(a.unit), "leader": a.leader_name,
         "recommender": a.unit.recommending_union.name if a.unit.recommending_union else ""}
        for n, a in enumerate(applications, start=1)
    ]


def _ordered(queryset):
    # Grouped by recommending union, in the order of the union tree, then by leader.
    return queryset.select_related("unit", "unit__recommending_union").order_by(
        "unit__recommending_union__path", "leader_name", "pk")


def decision(naming_round):
    named = _ordered(Application.objects.filter(naming_round=naming_round, status=ApplicationStatus.NAMED))
    return {
        "issuer": settings.DOCUMENT_ISSUER, "year": naming_round.year,
        "number": naming_round.decision_number, "date": chinese_date(naming_round.decision_date),
        "main_recipients": settings.DOCUMENT_MAIN_RECIPIENTS, "copy_to": settings.DOCUMENT_COPY_TO,
        "printed_by": settings.DOCUMENT_PRINTED_BY, "rows": _rows(named),
    }


def notice(naming_round):
    """The studios that went into the public notice (also those later removed after an objection)."""
    published = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), transition="publish",
        object_id__in=Application.objects.filter(naming_round=naming_round).values("pk")).values("object_id")
    rows = _rows(_ordered(Application.objects.filter(pk__in=published)))
    return {
        "issuer": settings.DOCUMENT_ISSUER, "year": naming_round.year,
        "start": chinese_date(naming_round.publicity_start), "end": chinese_date(naming_round.publicity_end),
        "working_days": naming_round.rule_set.publicity_working_days,
        "contact": settings.PUBLICITY_CONTACT, "url": settings.SITE_URL + reverse("public:publicity_detail", args=[naming_round.pk]),
        "date": chinese_date(naming_round.publicity_start), "rows": rows,
    }


def certificates(naming_round):
    data = decision(naming_round)
    return {"issuer": data["issuer"], "year": data["year"], "number": data["number"], "date": data["date"],
            "month": f"{naming_round.decision_date.year}年{naming_round.decision_date.month}月",
            "rows": data["rows"]}


BUILDERS = {"decision": decision, "notice": notice, "certificates": certificates}


def build(kind, naming_round):
    return BUILDERS[kind](naming_round)


def fingerprint(kind, data):
    fonts = {k: str(v) for k, v in settings.DOCUMENT_FONTS.items()}
    payload = json.dumps({"kind": kind, "layout": LAYOUT_VERSION, "fonts": fonts, "data": data},
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
