"""Reviewed Q&A in and out of spreadsheets (.xlsx and .csv): the template, a dry run that checks every row,
the import (one transaction, one audit entry) and the export. No Gradio here: the console calls this
through :class:`~bot.curation.service.CuratorService`.

Reading is bounded before anything is kept in memory: an .xlsx sheet is first scanned as a stream of XML
(rows counted up to the limit, merged cells and formulas without a value noted), and a .csv is read record
by record; both stop as soon as the row limit is passed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import posixpath
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.index.base import KnowledgeBase
from knowledge.stores.curated import CuratedAnswer, CuratedAnswers, ImportRow, question_key

MAX_ROWS = 5000  # data rows per file (the header row not counted)
MAX_QUESTION_CHARS = 500  # also each paraphrase and the claim
MAX_ANSWER_CHARS = 4000
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # an .xlsx is a zip: what it unpacks to is bounded too
VERDICTS = tuple(texts.VERDICT_SAYS)  # what the engine knows how to say: 真 / 假 / 部分正确 / 尚无定论

IMPORT_COLUMNS = (texts.QA_COL_QUESTION, texts.QA_COL_PARAPHRASES, texts.QA_COL_ANSWER, texts.QA_COL_ARTICLES,
                  texts.QA_COL_VERDICT, texts.QA_COL_CLAIM, texts.QA_COL_REVIEW_BY)
EXPORT_COLUMNS = (texts.QA_COL_ID, *IMPORT_COLUMNS, texts.QA_COL_STATUS)
REQUIRED_COLUMNS = (texts.QA_COL_QUESTION, texts.QA_COL_ANSWER)
KINDS = ("xlsx", "csv")

_PARAPHRASE_SPLIT = re.compile(r"[\r\n｜|]+")
_ARTICLE_SPLIT = re.compile(r"[\r\n,，、;；]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")
_HEADER_NOISE = re.compile(r"[*＊]|[（(]必填[)）]")
_CSV_ESCAPED = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula
_BINARY_MAGIC = (b"MZ", b"\x7fELF", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class QaFileRefused(AskScienceError):
    """A whole file cannot be imported; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class Problem:
    """Why one row is skipped: its number as the spreadsheet shows it (the header is row 1 when it is the
    first line), the column's header and a reason a curator can act on."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class PlannedRow:
    """A row that passed every check, ready to write."""

    row: int
    question: str
    answer: str
    paraphrases: tuple[str, ...]
    articles: tuple[str, ...]  # article ids as the knowledge base knows them
    verdict: str
    claim: str
    review_by: dt.date
    updates: int | None = None  # the existing answer with the same question, as of the dry run


@dataclass(frozen=True)
class ImportPlan:
    """The dry run of one file: the rows that can be imported and the problems of the others."""

    name: str
    rows: tuple[PlannedRow, ...]
    problems: tuple[Problem, ...]

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.updates is not None)

    def summary(self) -> str:
        text = texts.QA_PLAN_SUMMARY.format(ok=len(self.rows), bad=self.bad_rows)
        if self.updates:
            text += texts.QA_PLAN_UPDATES.format(n=self.updates)
        return text


@dataclass(frozen=True)
class ImportResult:
    created: tuple[CuratedAnswer, ...]
    updated: tuple[tuple[int, CuratedAnswer], ...]  # (row number, the answer it updated)
    published: bool
    problems: tuple[Problem, ...]  # of the rows that were skipped

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.updated)

    def summary(self) -> str:
        parts = [texts.QA_RESULT.format(n=self.imported, created=len(self.created), updated=len(self.updated))]
        if self.updated:
            listed = [texts.QA_RESULT_UPDATED_ROW.format(row=row, id=a.id) for row, a in self.updated[:20]]
            more = texts.QA_AND_MORE.format(n=len(self.updated)) if len(self.updated) > 20 else ""
            parts.append(texts.QA_RESULT_UPDATED.format(rows=texts.QA_LIST_SEPARATOR.join(listed) + more))
        parts.append(texts.QA_RESULT_PUBLISHED if self.published else texts.QA_RESULT_DRAFT)
        skipped = len({p.row for p in self.problems})
        if skipped:
            parts.append(texts.QA_RESULT_SKIPPED.format(n=skipped))
        return "".join(parts)


# ---- reading a file into rows -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Table:
    rows: list[tuple[int, list[object]]]  # non-empty rows: (row number, cell values), header first
    formulas: frozenset[tuple[int, int]]  # (row, 0-based column) of formulas without a computed value


def _refuse(message: str) -> QaFileRefused:
    return QaFileRefused(message)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _part(base: str, target: str) -> str:
    """A relationship target as a path inside the zip."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _first_sheet(zf: zipfile.ZipFile, name: str) -> str:
    """The zip path of the workbook's first worksheet (the one openpyxl's ``worksheets[0]`` reads)."""
    package = ElementTree.fromstring(zf.read("_rels/.rels"))
    book = next((_part("", r.get("Target", "")) for r in package if r.get("Type", "").endswith("/officeDocument")),
                None)
    if book is None:
        raise KeyError("officeDocument")
    folder, base = posixpath.split(book)
    rels = {r.get("Id"): r for r in ElementTree.fromstring(zf.read(posixpath.join(folder, "_rels", base + ".rels")))}
    workbook = ElementTree.fromstring(zf.read(book))
    if _local(workbook.tag) != "workbook":  # a Word or PowerPoint file is a zip of the same kind
        raise _refuse(texts.QA_NOT_XLSX.format(name=name))
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        rel = rels.get(rid)
        if rel is not None and rel.get("Type", "").endswith("/worksheet"):
            return _part(folder, rel.get("Target", ""))
    raise _refuse(texts.QA_NO_SHEET)


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> tuple[list[str], frozenset[tuple[int, int]]]:
    """Stream the sheet's XML once: refuse past the row limit (stopping there), and collect merged ranges
    and formulas that have no cached value. Memory stays flat: each row is dropped once seen."""
    merged: list[str] = []
    formulas: set[tuple[int, int]] = set()
    filled = row_no = col_no = 0
    row_has_data = False
    sheet_data = None
    with zf.open(part) as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    row_no = int(element.get("r") or row_no + 1)
                    col_no, row_has_data = 0, False
                elif tag == "sheetData":
                    sheet_data = element
                continue
            if tag == "c":
                ref = element.get("r")
                if ref:
                    letters, number = coordinate_from_string(ref)
                    col_no, row_no = column_index_from_string(letters), number
                else:
                    col_no += 1
                children = {_local(child.tag): child for child in element}
                cached = children.get("v")
                # a formula's computed value is its <v>; one never computed has none (or an empty one,
                # as openpyxl writes it), unless it is a text result that is really empty (t="str")
                has_value = "is" in children or (cached is not None and (bool(cached.text)
                                                                          or element.get("t") == "str"))
                if "f" in children and not has_value:
                    formulas.add((row_no, col_no - 1))
                row_has_data = row_has_data or has_value or "f" in children
            elif tag == "row":
                if row_has_data:
                    filled += 1
                    if filled > MAX_ROWS + 1:  # the header and the limit: stop reading here
                        raise _refuse(texts.QA_TOO_MANY_ROWS.format(limit=MAX_ROWS))
                if sheet_data is not None:
                    sheet_data.clear()
            elif tag == "mergeCell" and element.get("ref"):
                merged.append(element.get("ref", ""))
    return merged, frozenset(formulas)


def _read_xlsx(path: Path, name: str) -> _Table:
    try:
        with zipfile.ZipFile(path) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise _refuse(texts.QA_FILE_TOO_BIG.format(mb=MAX_FILE_BYTES // (1024 * 1024)))
            merged, formulas = _scan_sheet(zf, _first_sheet(zf, name))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError, EOFError,
            CellCoordinatesException):
        raise _refuse(texts.QA_BROKEN_XLSX) from None
    if merged:
        cells = texts.QA_LIST_SEPARATOR.join(merged[:20])
        if len(merged) > 20:
            cells += texts.QA_AND_MORE.format(n=len(merged))
        raise _refuse(texts.QA_MERGED.format(cells=cells))
    formula_rows = {r for r, _ in formulas}
    rows: list[tuple[int, list[object]]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it does not read (validation, …)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise _refuse(texts.QA_NO_SHEET)
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # a wrong <dimension> must not hide rows; the scan already bounded them
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number in formula_rows or any(v is not None and str(v).strip() for v in values):
                    rows.append((number, list(values)))
                    if len(rows) > MAX_ROWS + 1:
                        raise _refuse(texts.QA_TOO_MANY_ROWS.format(limit=MAX_ROWS))
        finally:
            book.close()
    except QaFileRefused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise _refuse(texts.QA_BROKEN_XLSX) from None
    return _Table(rows, formulas)


def _csv_encoding(head: bytes, complete: bool, name: str) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        raise _refuse(texts.QA_NOT_CSV.format(name=name))
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
            return "utf-8-sig" if encoding == "utf-8" else encoding
        except UnicodeDecodeError as exc:
            where = exc.start
    raise _refuse(texts.QA_BAD_ENCODING.format(row=head[:where].count(b"\n") + 1))


def _unescape(cell: str) -> str:
    """Undo the apostrophe :func:`export` puts before a cell a spreadsheet would take for a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in _CSV_ESCAPED else cell


def _decoded_lines(raw: BinaryIO, encoding: str) -> Iterator[str]:
    """The file's lines, decoded one by one (so a decoding error is found on its own line, and nothing after
    the line being read is decoded). A new-line byte never occurs inside a UTF-8 or GB18030 character."""
    decoder = codecs.getincrementaldecoder(encoding)()
    for line in raw:
        yield decoder.decode(line)
    yield decoder.decode(b"", final=True)


def _read_csv(path: Path, name: str) -> _Table:
    with path.open("rb") as raw:
        head = raw.read(64 * 1024)
        complete = not raw.read(1)
    if not head.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        raise _refuse(texts.QA_EMPTY.format(name=name))
    encoding = _csv_encoding(head, complete, name)
    rows: list[tuple[int, list[object]]] = []
    number = 0
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding, newline="") if encoding == "utf-16" else _decoded_lines(raw, encoding)
        try:
            first = next(iter(text), "")
            delimiter = max((",", "\t", ";"), key=first.count) if first.strip() else ","
            lines = itertools.chain([first], text)
            for number, record in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
                if any(cell.strip() for cell in record):
                    rows.append((number, [_unescape(cell) for cell in record]))
                    if len(rows) > MAX_ROWS + 1:  # stop reading: the rest of the file is never decoded
                        raise _refuse(texts.QA_TOO_MANY_ROWS.format(limit=MAX_ROWS))
        except UnicodeDecodeError:
            raise _refuse(texts.QA_BAD_ENCODING.format(row=number + 1)) from None
        except csv.Error:
            raise _refuse(texts.QA_BAD_CSV.format(row=number + 1, detail=texts.QA_CSV_DETAIL)) from None
    return _Table(rows, frozenset())


def _read_table(path: Path, name: str = "") -> _Table:
    """The file's non-empty rows, or :class:`QaFileRefused` for a file that is not a readable spreadsheet
    (decided by its content, not only its name), is too big, or has more than :data:`MAX_ROWS` rows."""
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise _refuse(texts.QA_OLD_XLS.format(name=name))
    if suffix not in (".xlsx", ".csv"):
        raise _refuse(texts.QA_BAD_TYPE.format(name=name))
    try:
        size = path.stat().st_size
        with path.open("rb") as raw:
            magic = raw.read(8)
    except OSError:
        raise _refuse(texts.QA_EMPTY.format(name=name)) from None
    if size == 0:
        raise _refuse(texts.QA_EMPTY.format(name=name))
    if size > MAX_FILE_BYTES:
        raise _refuse(texts.QA_FILE_TOO_BIG.format(mb=MAX_FILE_BYTES // (1024 * 1024)))
    if suffix == ".xlsx":
        if magic.startswith(_XLS_MAGIC):
            raise _refuse(texts.QA_OLD_XLS.format(name=name))
        if not magic.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(path):
            raise _refuse(texts.QA_NOT_XLSX.format(name=name))
        table = _read_xlsx(path, name)
    else:
        table = _read_csv(path, name)
    if not table.rows:
        raise _refuse(texts.QA_EMPTY.format(name=name))
    return table


# ---- turning cells into checked rows -------------------------------------------------------------------
def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _header(value: object) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", _text(value))).strip()


def in_twelve_months(today: dt.date) -> dt.date:
    """The default review-by date: the same day next year (28 February for 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    found = _DATE.match(_text(value)) if isinstance(value, str) else None
    if not found:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _articles_known(kb: KnowledgeBase) -> dict[str, str]:
    """What a curator may write in 引用文章 (an article id, or an uploaded document's file name, in any case)
    → the article id the engine cites by."""
    metas = list(kb.all_metadata().values())
    known: dict[str, str] = {}
    for meta in metas:
        article = str(meta.get("article_id") or Path(str(meta.get("source", ""))).stem)
        if article:
            known.setdefault(article.lower(), article)
    for meta in metas:
        source = str(meta.get("source", ""))
        article = str(meta.get("article_id") or Path(source).stem)
        if source and article:
            known.setdefault(Path(source).name.lower(), article)
    return known


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


class QaImporter:
    """Checks, imports and exports reviewed Q&A against one knowledge base and curated-answer store."""

    def __init__(self, kb: KnowledgeBase, answers: CuratedAnswers, today: dt.date | None = None) -> None:
        self._kb = kb
        self._answers = answers
        self._today = today

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # ---- dry run ------------------------------------------------------------------------------------
    def validate(self, file: Path, name: str = "") -> ImportPlan:
        """Check every row of ``file`` without writing anything. A file that cannot be imported at all
        raises :class:`QaFileRefused`; a row that cannot be imported is reported as (row, column, reason)."""
        name = name or file.name
        table = _read_table(file, name)
        header_row, header = table.rows[0]
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            column = _header(value)
            if column in EXPORT_COLUMNS:
                if column in positions:
                    raise _refuse(texts.QA_DUPLICATE_HEADER.format(name=column))
                positions[column] = index
        missing = [c for c in REQUIRED_COLUMNS if c not in positions]
        if missing:
            raise _refuse(texts.QA_MISSING_HEADERS.format(row=header_row, missing="、".join(missing),
                                                          expected="、".join(IMPORT_COLUMNS)))
        if len(table.rows) < 2:
            raise _refuse(texts.QA_NO_ROWS)
        known = _articles_known(self._kb)
        existing: dict[str, int] = {}
        for answer in sorted(self._answers.search("", None, limit=10**9),
                             key=lambda a: (a.status == "published", a.updated_at, a.id)):
            existing[question_key(answer.question)] = answer.id  # the published / newest one wins
        first_seen: dict[str, int] = {}
        planned: list[PlannedRow] = []
        problems: list[Problem] = []
        for number, values in table.rows[1:]:
            row, found = self._check_row(number, values, positions, table.formulas, known, first_seen)
            if found:
                problems.extend(found)
            elif row is not None:
                planned.append(replace(row, updates=existing.get(question_key(row.question))))
        return ImportPlan(name, tuple(planned), tuple(problems))

    def _check_row(self, number: int, values: list[object], positions: dict[str, int],
                   formulas: frozenset[tuple[int, int]], known: dict[str, str], first_seen: dict[str, int]
                   ) -> tuple[PlannedRow | None, list[Problem]]:
        problems: list[Problem] = []

        def cell(column: str) -> object:
            index = positions.get(column)
            if index is None:
                return None
            if (number, index) in formulas:
                ref = f"{get_column_letter(index + 1)}{number}"
                problems.append(Problem(number, column, texts.QA_FORMULA.format(cell=ref)))
                return None
            value = values[index] if index < len(values) else None
            if isinstance(value, str) and value.strip() in ERROR_CODES:
                ref = f"{get_column_letter(index + 1)}{number}"
                problems.append(Problem(number, column, texts.QA_CELL_ERROR.format(cell=ref, value=value.strip())))
                return None
            return value

        def text(column: str, limit: int, required: bool = False) -> str:
            before = len(problems)
            value = _text(cell(column))
            if len(problems) > before:
                return value
            if required and not value:
                problems.append(Problem(number, column, texts.QA_REQUIRED.format(column=column)))
            elif len(value) > limit:
                problems.append(Problem(number, column, texts.QA_TOO_LONG.format(column=column, length=len(value),
                                                                                   limit=limit)))
            return value

        question = text(texts.QA_COL_QUESTION, MAX_QUESTION_CHARS, required=True)
        answer = text(texts.QA_COL_ANSWER, MAX_ANSWER_CHARS, required=True)
        key = question_key(question)
        if question.startswith(texts.QA_EXAMPLE_MARK):
            problems.append(Problem(number, texts.QA_COL_QUESTION, texts.QA_EXAMPLE_ROW))
        elif key and key in first_seen:
            duplicate = texts.QA_DUPLICATE_ROW.format(first=first_seen[key])
            problems.append(Problem(number, texts.QA_COL_QUESTION, duplicate))
        elif key:
            first_seen[key] = number

        paraphrases = _unique(p.strip() for p in _PARAPHRASE_SPLIT.split(_text(cell(texts.QA_COL_PARAPHRASES))))
        paraphrases = tuple(p for p in paraphrases if question_key(p) != key)
        for p in paraphrases:
            if len(p) > MAX_QUESTION_CHARS:
                problems.append(Problem(number, texts.QA_COL_PARAPHRASES, texts.QA_PARAPHRASE_TOO_LONG.format(
                    text=p[:20], length=len(p), limit=MAX_QUESTION_CHARS)))

        written = _unique(a.strip() for a in _ARTICLE_SPLIT.split(_text(cell(texts.QA_COL_ARTICLES))))
        unknown = [a for a in written if unicodedata.normalize("NFKC", a).lower() not in known]
        if unknown:
            problems.append(Problem(number, texts.QA_COL_ARTICLES,
                                    texts.QA_UNKNOWN_ARTICLE.format(article=texts.QA_LIST_SEPARATOR.join(unknown))))
        articles = _unique(known.get(unicodedata.normalize("NFKC", a).lower(), "") for a in written)

        allowed = texts.QA_LIST_SEPARATOR.join(VERDICTS)
        verdict = text(texts.QA_COL_VERDICT, MAX_QUESTION_CHARS)
        claim = text(texts.QA_COL_CLAIM, MAX_QUESTION_CHARS)
        if verdict and verdict not in VERDICTS:
            problems.append(Problem(number, texts.QA_COL_VERDICT, texts.QA_BAD_VERDICT.format(value=verdict[:16],
                                                                                             allowed=allowed)))
        elif verdict and not claim:
            problems.append(Problem(number, texts.QA_COL_CLAIM, texts.QA_CLAIM_NEEDED))
        elif claim and not verdict:
            problems.append(Problem(number, texts.QA_COL_CLAIM, texts.QA_CLAIM_WITHOUT_VERDICT.format(allowed=allowed)))

        raw_date = cell(texts.QA_COL_REVIEW_BY)
        review_by = in_twelve_months(self.today()) if not _text(raw_date) else _date(raw_date)
        if review_by is None:
            problems.append(Problem(number, texts.QA_COL_REVIEW_BY, texts.QA_BAD_DATE.format(
                value=_text(raw_date)[:30], example=in_twelve_months(self.today()).isoformat())))
        if problems or review_by is None:
            return None, problems
        return PlannedRow(number, question, answer, paraphrases, articles, verdict, claim, review_by), []

    # ---- import -------------------------------------------------------------------------------------
    def apply(self, plan: ImportPlan, actor: str, publish: bool = False) -> ImportResult:
        """Write every valid row of ``plan`` in one transaction with one audit entry (all or nothing); rows with
        problems were left out by the dry run and are reported again."""
        if not plan.rows:
            raise QaFileRefused(texts.QA_NOTHING_TO_IMPORT)
        items = [ImportRow(r.question, r.answer, r.paraphrases, r.articles, r.verdict, r.claim, r.review_by)
                 for r in plan.rows]
        written = self._answers.import_rows(actor, items, publish, plan.name)
        created = tuple(w.answer for w in written if w.created)
        updated = tuple((r.row, w.answer) for r, w in zip(plan.rows, written, strict=True) if not w.created)
        return ImportResult(created, updated, publish, plan.problems)

    # ---- export and template -----------------------------------------------------------------------
    def export(self, answers: Sequence[CuratedAnswer], kind: str = "xlsx") -> bytes:
        """The answers as a spreadsheet an import reads back (plus 编号 and 状态, which an import ignores)."""
        rows = [[a.id, a.question, "\n".join(a.paraphrases), a.answer, texts.QA_LIST_SEPARATOR.join(a.articles),
                 a.verdict, a.claim, a.review_by, texts.STATUS_LABELS.get(a.status, a.status)]
                for a in sorted(answers, key=lambda a: a.id)]
        return _write(kind, EXPORT_COLUMNS, rows)

    def template(self, kind: str = "xlsx") -> bytes:
        """The headers and two example rows (the second with a verdict); an .xlsx also has a 填写说明 sheet."""
        day = in_twelve_months(self.today())
        rows = [[e["question"], e["paraphrases"], e["answer"], e["articles"], e["verdict"], e["claim"], day]
                for e in texts.QA_EXAMPLES]
        return _write(kind, IMPORT_COLUMNS, rows, help_lines=texts.QA_HELP_LINES)


# ---- writing spreadsheets -------------------------------------------------------------------------------
_WIDTHS = {texts.QA_COL_ID: 8, texts.QA_COL_QUESTION: 36, texts.QA_COL_PARAPHRASES: 36, texts.QA_COL_ANSWER: 60,
           texts.QA_COL_ARTICLES: 26, texts.QA_COL_VERDICT: 10, texts.QA_COL_CLAIM: 26, texts.QA_COL_REVIEW_BY: 13,
           texts.QA_COL_STATUS: 8}


def _csv_cell(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    out = "" if value is None else str(value)
    return "'" + out if out.startswith(_CSV_ESCAPED) else out


def _write(kind: str, columns: Sequence[str], rows: Sequence[Sequence[object]],
           help_lines: Sequence[str] = ()) -> bytes:
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
        return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(texts.QA_SHEET)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 16)
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(value: object, header: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        out = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            out.data_type = "s"  # text that starts with "=" stays text, never a formula
        if isinstance(value, dt.date):
            out.number_format = "yyyy-mm-dd"
        if header:
            out.font = bold
        elif isinstance(value, str) and len(value) > 20:
            out.alignment = wrap
        return out

    sheet.append([cell(c, header=True) for c in columns])
    for row in rows:
        sheet.append([cell(v) for v in row])
    if help_lines:
        guide = book.create_sheet(texts.QA_HELP_SHEET)
        guide.column_dimensions["A"].width = 110
        for line in help_lines:
            guide.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
