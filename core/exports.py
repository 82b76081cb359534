"""Excel exports (.xlsx): Chinese headers, fitting column widths, real dates, streamed in constant memory.

openpyxl's write-only mode keeps one row in memory at a time; the workbook goes to a
temporary file that the response then streams, so 100,000 rows cost no more memory than ten.
"""
import datetime
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from audit.models import Action

from .downloads import download

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_BORDER = Border(bottom=Side(style="thin"))


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
    if isinstance(value, (int, float, Decimal, datetime.date)):
        return value
    return str(value)


def write_xlsx(file, title, columns, rows):
    """Writes one sheet: a header row, frozen, then `rows` (an iterable of sequences) as they come."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])  # Excel's limit for a sheet name
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        header.append(cell)
    sheet.append(header)
    formats = [column.number_format for column in columns]
    count = 0
    for row in rows:
        cells = []
        for value, number_format in zip(row, formats):
            value = _value(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
            elif number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
        count += 1
    workbook.save(file)
    return count


def xlsx_response(filename, title, columns, rows, *, subject=None):
    """The workbook as a download; it is built in a temporary file the response streams and then closes."""
    file = tempfile.TemporaryFile()
    count = write_xlsx(file, title, columns, rows)
    file.seek(0)
    return download(file, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    subject=subject, action=Action.EXPORT, detail=f"{title}: {count}")
