"""Reading a holiday schedule typed from the State Council notice: a small CSV of date,kind,name.

Every line is checked before anything is stored, and every problem is reported with its line number,
so a clerk fixes the file once and imports it whole. Excel's UTF-8 (with BOM) and GBK files both read.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import read_input_file
from app.base.i18n import _
from app.domain.calendar import DayKind, HolidayDay

MAX_CSV_BYTES = 1024 * 1024
HEADER = ("date", "kind", "name")
#: What the first cell of a header line may say: the English header or the Chinese one (日期,类型,名称).
HEADER_FIRST_CELLS = frozenset({"date", "日期"})

#: Spellings a clerk may type for the two kinds (休 = day off, 班 = working day; 调休 and 补班 as the
#: notices use them, for a weekend day worked in exchange).
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "假日": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "working day": DayKind.WORKDAY,
    "make-up": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "调休": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "补班": DayKind.WORKDAY,
}

#: How many problems one error message lists before summing up the rest.
SHOWN_PROBLEMS = 5


class CalendarFileError(UserError):
    """The file has problems; `problems` lists each as "line N: message"."""

    def __init__(self, problems: list[str], where: str) -> None:
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        if len(problems) > SHOWN_PROBLEMS:
            shown += "; " + _("and {n} more problems").format(n=len(problems) - SHOWN_PROBLEMS)
        super().__init__(shown, where)
        self.problems = problems


def parse_day(text: str) -> date:
    """A date written YYYY-MM-DD; ValueError otherwise (callers word the message)."""
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(text)
    return date.fromisoformat(text)


def parse_kind(text: str) -> DayKind | None:
    return KIND_WORDS.get(text.strip().lower())


def day_problem(day: date, kind: DayKind) -> str | None:
    """Why the row cannot be right, or None: only a weekend day can be a make-up working day."""
    if kind is DayKind.WORKDAY and day.weekday() < 5:
        return _("{day} is a weekday; only a Saturday or Sunday can be a make-up working day").format(
            day=day.isoformat()
        )
    return None


def _decode(data: bytes, where: str) -> str:
    """The file's text (UTF-8, else GBK as Chinese Excel saves CSV); UserError for a file that is not text."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):  # .xlsx (a zip) or .xls
        raise UserError(_("this is an Excel workbook, not a CSV file: save it as CSV (comma separated) first"), where)
    if b"\x00" in data:
        raise UserError(_("this is not a text file (expected a CSV file of date,kind,name)"), where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UserError(_("this is not a text file (expected a CSV file of date,kind,name)"), where) from exc


def _lines(text: str, where: str):
    """(line number, cells) of each CSV record, read strictly: an unterminated quote is an error naming its
    line (Python's lenient reading would swallow the rest of the file into one cell)."""
    reader = csv.reader(io.StringIO(text), strict=True)
    line_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UserError(_("line {n}: a quote \" is not closed, or the line is not CSV ({error})").format(
                n=line_no, error=exc), where) from exc
        yield line_no, cells
        line_no = reader.line_num + 1


def parse_calendar_csv(text: str, where: str = "") -> list[HolidayDay]:
    """Rows of the CSV text; raises CalendarFileError naming every bad line."""
    problems: list[str] = []
    days: dict[date, tuple[int, HolidayDay]] = {}
    first = True  # a header may only head the file (blank and comment lines aside)
    for line_no, cells in _lines(text, where):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if first and cells[0].lower() in HEADER_FIRST_CELLS:
            first = False
            continue
        first = False
        where_line = _("line {n}").format(n=line_no)
        if len(cells) < 2:
            problems.append(f"{where_line}: " + _("expected date,kind,name"))
            continue
        if len(cells) > 3:
            problems.append(f"{where_line}: " + _("too many columns (expected date,kind,name)"))
            continue
        try:
            day = parse_day(cells[0])
        except ValueError:
            problems.append(f"{where_line}: " + _("'{text}' is not a date (YYYY-MM-DD)").format(text=cells[0]))
            continue
        kind = parse_kind(cells[1])
        if kind is None:
            problems.append(
                f"{where_line}: " + _("kind must be holiday or workday, not '{text}'").format(text=cells[1])
            )
            continue
        problem = day_problem(day, kind)
        if problem:
            problems.append(f"{where_line}: {problem}")
            continue
        name = cells[2] if len(cells) > 2 else ""
        if day in days and days[day][1].kind is not kind:
            problems.append(
                f"{where_line}: "
                + _("{day} is also listed on line {other} with another kind").format(
                    day=day.isoformat(), other=days[day][0]
                )
            )
            continue
        days[day] = (line_no, HolidayDay(day, kind, name))
    if problems:
        raise CalendarFileError(problems, where)
    if not days:
        raise UserError(_("the file holds no calendar rows (expected date,kind,name)"), where)
    return [entry for _line, entry in sorted(days.values(), key=lambda item: item[1].day)]


def read_calendar_csv(path: Path) -> list[HolidayDay]:
    """Read and check a calendar CSV file; UserError naming the file (and line) on any problem."""
    where = str(path)
    return parse_calendar_csv(_decode(read_input_file(path, MAX_CSV_BYTES), where), where)
