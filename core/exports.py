"""Excel exports (.xlsx): Chinese headers, fitting column widths, real dates, streamed in constant memory.

XlsxWriter in `constant_memory` mode writes each row out as it comes (100,000 rows of the studio registry
in about a third of the time openpyxl's write-only mode took, docs/performance.md "Excel exports"); the rows
come from querysets read with `.iterator()` and `values_list`, so no model objects pile up. The workbook goes
to a temporary file that the response then streams: 100,000 rows cost no more memory than ten.
"""
import datetime
import tempfile
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils import timezone

from audit.models import Action

from .downloads import download

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FORMAT = {"bold": True, "bg_color": "#F2F2F2", "bottom": 1, "align": "center", "valign": "vcenter"}
# Text is always text: a value starting with "=" is never a formula, nor "http…" a link (CSV/formula injection).
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "remove_timezone": True}


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in characters of the default font; a Chinese character counts about two
    number_format: str = ""  # e.g. "0.0" for scores, "#,##0.00" for yuan


def _value(value):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local time the user saw on the page
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    if isinstance(value, (int, float, datetime.date)):
        return value
    if isinstance(value, Decimal):
        return float(value)  # Excel's numbers are doubles; yuan with two places are exact enough there
    return str(value)


def write_xlsx(file, title, columns, rows):
    """Writes one sheet: a header row, frozen, then `rows` (an iterable of sequences) as they come."""
    workbook = xlsxwriter.Workbook(file, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet(title[:31])  # Excel's limit for a sheet name
    header = workbook.add_format(HEADER_FORMAT)
    dates = workbook.add_format({"num_format": DATE_FORMAT})
    times = workbook.add_format({"num_format": DATETIME_FORMAT})
    formats = [workbook.add_format({"num_format": column.number_format}) if column.number_format else None
               for column in columns]
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.header, header)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (value, number_format) in enumerate(zip(row, formats)):
            value = _value(value)
            if isinstance(value, str):
                if value:
                    sheet.write_string(count, index, value)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(count, index, value, times)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(count, index, value, dates)
            elif isinstance(value, bool):
                sheet.write_boolean(count, index, value)
            else:
                sheet.write_number(count, index, value, number_format)
    workbook.close()
    return count


def xlsx_response(filename, title, columns, rows, *, subject=None):
    """The workbook as a download; it is built in a temporary file the response streams and then closes."""
    file = tempfile.TemporaryFile()
    count = write_xlsx(file, title, columns, rows)
    file.seek(0)
    return download(file, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    subject=subject, action=Action.EXPORT, detail=f"{title}: {count}")
