"""Importing the studios named before this system (issue: existing studios), from the union's Excel sheet.

Every row is checked first; any error — an unknown union, a malformed date or number, a duplicate
studio, a name not following 第六条 — is reported with its row and column, and nothing is written.
Only when the whole sheet is clean are all rows written, in one transaction.
"""
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from core.history import log_transition
from core.numbers import DOCUMENT_NUMBER
from core.uploads import check_upload
from unions.models import Union, UnionKind
from unions.permissions import is_municipal_staff

from .models import Gender, HonourKind, Leader, Member, MemberRole, Studio, studio_name_for

# (header, width, note for the instructions sheet)
COLUMNS = [
    ("工作室名称", 36, "领衔人姓名+劳模和工匠人才创新工作室（第六条）"),
    ("领衔人", 10, ""),
    ("性别", 6, "男或女，可空"),
    ("荣誉称号", 22, "、".join(str(label) for _value, label in HonourKind.choices)),
    ("获评年份", 10, "如 2020"),
    ("所在单位工会", 34, "须与系统中单位工会的名称完全一致"),
    ("命名年度", 10, "如 2023"),
    ("命名文号", 20, "如 揭工总〔2023〕18号"),
    ("专业领域", 18, "可空"),
    ("组建日期", 12, "日期，可空"),
    ("团队成员", 40, "姓名之间用顿号“、”分隔，可空"),
]
HEADERS = [c[0] for c in COLUMNS]
MAX_ROWS = 2000


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


class ImportRefused(Exception):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def template():
    """The Excel template: the header row to fill in, and a sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作室"
    sheet.append(HEADERS)
    for index, (_header, width, _note) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for header, _width, note in COLUMNS:
        notes.append([header, note])
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 14, 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(value):
    return "" if value is None else str(value).strip()


def _year(value):
    if isinstance(value, (int, float)) and int(value) == value:
        return int(value)
    text = _text(value)
    return int(text) if text.isdigit() else None


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise ValueError(text) from None


def read(upload):
    """The sheet's rows as (row number, {header: value}); a wrong file or header is refused as a whole."""
    check_upload(upload)
    if not upload.name.lower().endswith(".xlsx"):
        raise ImportRefused([Problem(0, "", _("请上传用模板填写的 Excel 文件（.xlsx）。"))])
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ImportRefused([Problem(0, "", _("文件无法读取，请用模板重新填写后上传。"))]) from None
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    if header[:len(HEADERS)] != HEADERS:
        raise ImportRefused([Problem(1, "", _("表头与模板不一致，请下载模板后填写。"))])
    result = []
    for number, values in enumerate(rows, start=2):
        if not any(_text(v) for v in values):
            continue
        result.append((number, dict(zip(HEADERS, values))))
        if len(result) > MAX_ROWS:
            raise ImportRefused([Problem(number, "", _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})])
    if not result:
        raise ImportRefused([Problem(2, "", _("表中没有数据。"))])
    return result


def check(rows):
    """Each row as the fields to write, or every problem found; duplicates are checked across the sheet too."""
    honours = {str(label): value for value, label in HonourKind.choices}
    genders = {str(label): value for value, label in Gender.choices}
    units = {u.name: u for u in Union.objects.filter(kind=UnionKind.UNIT, name__in={
        _text(v["所在单位工会"]) for _n, v in rows})}
    names = [_text(v["工作室名称"]) for _n, v in rows]
    taken = set(Studio.objects.filter(name__in=names).values_list("name", flat=True))
    seen, problems, clean = set(), [], []
    this_year = timezone.localdate().year
    for number, v in rows:
        def problem(column, message):
            problems.append(Problem(number, column, message))

        name, leader = _text(v["工作室名称"]), _text(v["领衔人"])
        if not leader:
            problem("领衔人", _("请填写领衔人姓名。"))
        elif name != studio_name_for(leader):
            problem("工作室名称", _("应为“%(n)s”（第六条：领衔人姓名+劳模和工匠人才创新工作室）。") % {
                "n": studio_name_for(leader)})
        if name in taken:
            problem("工作室名称", _("系统中已有该工作室。"))
        elif name in seen:
            problem("工作室名称", _("与表中前面的行重复。"))
        seen.add(name)
        gender = _text(v["性别"])
        if gender and gender not in genders:
            problem("性别", _("应为“男”或“女”。"))
        honour = _text(v["荣誉称号"])
        if honour not in honours:
            problem("荣誉称号", _("应为以下之一：%(c)s。") % {"c": "、".join(honours)})
        honour_year, named_year = _year(v["获评年份"]), _year(v["命名年度"])
        if honour_year is None or not 1950 <= honour_year <= this_year:
            problem("获评年份", _("应为 1950 年至今年之间的年份。"))
        if named_year is None or not 2000 <= named_year <= this_year:
            problem("命名年度", _("应为 2000 年至今年之间的年份。"))
        elif honour_year and honour_year > named_year:
            problem("获评年份", _("领衔人应在命名前获得荣誉称号（第五条(一)）。"))
        unit = units.get(_text(v["所在单位工会"]))
        if unit is None:
            problem("所在单位工会", _("系统中没有名为“%(u)s”的单位工会，请先在系统管理中建立。") % {
                "u": _text(v["所在单位工会"])})
        number_text = _text(v["命名文号"])
        match = DOCUMENT_NUMBER.match(number_text)
        if not match:
            problem("命名文号", _("格式应为“揭工总〔2023〕18号”。"))
        elif named_year and int(match["year"]) != named_year:
            problem("命名文号", _("文号年份与命名年度不一致。"))
        try:
            founded = _date(v["组建日期"])
        except ValueError:
            problem("组建日期", _("“%(v)s”不是日期，请写成 2021-03-01 或使用日期格式的单元格。") % {"v": _text(v["组建日期"])})
            founded = None
        members = [m.strip() for m in _text(v["团队成员"]).replace(",", "、").replace("，", "、").split("、") if m.strip()]
        clean.append({"name": name, "leader": leader, "gender": genders.get(gender, ""), "honour": honours.get(honour),
                      "honour_year": honour_year, "unit": unit, "named_year": named_year, "number": number_text,
                      "field": _text(v["专业领域"]), "founded": founded, "members": members})
    if problems:
        raise ImportRefused(problems)
    return clean


@transaction.atomic
def import_studios(actor, upload):
    """All rows or none; returns how many studios were written."""
    if not is_municipal_staff(actor):
        raise PermissionDenied(_("只有市总工会工作人员可以导入已命名的工作室。"))
    try:
        rows = check(read(upload))
    except ValidationError as error:  # the upload itself (type, size, content)
        raise ImportRefused([Problem(0, "", message) for message in error.messages]) from None
    for row in rows:
        leader = Leader.objects.create(name=row["leader"], gender=row["gender"], unit=row["unit"],
                                       honour=row["honour"], honour_year=row["honour_year"])
        studio = Studio.objects.create(name=row["name"], unit=row["unit"], leader=leader, named_year=row["named_year"],
                                       decision_number=row["number"], field=row["field"], founded_on=row["founded"])
        Member.objects.bulk_create(Member(studio=studio, name=name, role=MemberRole.MEMBER) for name in row["members"])
        log_transition(studio, union=studio.unit, transition="import", label=_("导入已命名的工作室"), source="",
                       target=studio.status, actor=actor, comment=_("%(y)d 年度命名，%(n)s。") % {
                           "y": row["named_year"], "n": row["number"]})
    return len(rows)
