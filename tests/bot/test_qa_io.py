"""Reviewed Q&A in and out of spreadsheets, through the curator service over a real index (hash embedder):
the dry run names every bad row, the import is one all-or-nothing transaction whose answers reach citizens
once published, refusals say what to fix, and export → import gives the same answers back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from gradio_client import Client, handle_file

from bot.curation import qa_io
from bot.curation.qa_io import EXPORT_COLUMNS, IMPORT_COLUMNS, MAX_ROWS, QaFileRefused, in_twelve_months
from bot.curation.service import CuratorService, NotAuthorised, Upload
from bot.engine.service import AnswerService
from bot.engine.types import Mode
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores import curated as curated_store
from knowledge.stores.accounts import Accounts
from tests.helpers import service_over
from tests.web.conftest import LiveApp, login_cookies, start_app, stop_app

PANDA = "# 大熊猫吃什么\n\n大熊猫虽然属于食肉目，但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。"
STATIC = "# 静电\n\n冬天空气干燥，毛衣和皮肤摩擦容易产生静电。摸金属门把手前先用手掌贴一下墙，可以减少被电的感觉。"
AURORA = "# 极光\n\n太阳风带来的高能带电粒子撞击高层大气里的氧原子和氮原子，让它们发出绿色和红色的光，这就是极光。"
HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
         "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些"
         "然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公")


def _make_env(settings: Settings, folder: Path) -> tuple[AnswerService, CuratorService]:
    service = service_over(settings, folder, {"panda.md": PANDA, "static.md": STATIC})
    accounts = Accounts(service.store.db)
    accounts.add("alice", "s3cret-pass")
    curator = CuratorService(service.settings, service.kb, service.store,
                             build_pipeline(service.settings, service.kb), accounts)
    return service, curator


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> tuple[AnswerService, CuratorService]:
    return _make_env(settings, tmp_path / "articles")


def _xlsx(path: Path, rows: list[list[object]], header: tuple[str, ...] | list[str] = IMPORT_COLUMNS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text typed as "=1+1" stays text (a formula has its own test)
    book.save(path)
    return path


def _csv_bytes(rows: list[list[object]], encoding: str, header: tuple[str, ...] = IMPORT_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _question(i: int) -> str:
    pick = random.Random(i)
    return f"第{i}问：" + "".join(pick.choice(HANZI) for _ in range(12)) + "？"


def _generated_row(i: int) -> list[object]:
    if i % 7 == 0:  # some rows judge a claim
        return [_question(i), f"问法甲{i}\n问法乙{i}", f"答案编号{i}：这是审核过的解答。", "panda", "假",
                f"说法{i}", "2027-03-01"]
    return [_question(i), f"问法{i}｜另一种问法{i}", f"答案编号{i}：这是审核过的解答。", "panda、static", "", "", ""]


def _plan(curator: CuratorService, path: Path, name: str | None = None):
    return curator.import_plan("alice", Upload(path, name or path.name))


def _imports(curator: CuratorService) -> list:
    return [e for e in curator.audit_log("alice") if e.action.startswith("curated.import")]


# ---- the dry run and the import ----------------------------------------------------------------------------
def test_500_rows_with_3_bad_ones_dry_run_names_them_and_the_497_reach_citizens_once_published(env, tmp_path):
    service, curator = env
    rows = [_generated_row(i) for i in range(500)]
    rows[9][2] = ""  # spreadsheet row 11: no answer
    rows[200][3] = "panda、no-such-article"  # row 202: an article the knowledge base does not have
    rows[401][6] = "2026-13-45"  # row 403: not a date
    path = _xlsx(tmp_path / "问答.xlsx", rows)

    plan = _plan(curator, path)
    assert [(p.row, p.column) for p in plan.problems] == [(11, "解答"), (202, "引用文章"), (403, "复核日期")]
    reasons = [p.reason for p in plan.problems]
    assert reasons[0] == texts.QA_REQUIRED.format(column="解答")
    assert "no-such-article" in reasons[1] and "panda" not in reasons[1].split("「")[1].split("」")[0]
    assert "2026-13-45" in reasons[2] and "YYYY-MM-DD" in reasons[2]
    assert len(plan.rows) == 497
    assert plan.summary().startswith(texts.QA_PLAN_SUMMARY.format(ok=497, bad=3))
    assert curator.curated("alice") == [] and _imports(curator) == []  # a dry run writes nothing

    result = curator.import_apply("alice", plan)
    assert len(result.created) == 497 and not result.updated
    assert {a.status for a in result.created} == {"draft"}
    assert "3 行有问题" in result.summary()
    assert len(_imports(curator)) == 1  # one audit entry for the whole import
    by_question = {a.question: a for a in curator.curated("alice")}
    assert len(by_question) == 497
    first = by_question[_question(0)]
    assert first.verdict == "假" and first.claim == "说法0" and first.review_by == dt.date(2027, 3, 1)
    assert first.paraphrases == ("问法甲0", "问法乙0")
    second = by_question[_question(1)]
    assert second.paraphrases == ("问法1", "另一种问法1") and second.articles == ("panda", "static")
    assert second.review_by == in_twelve_months(dt.date.today())  # the default review-by date
    assert service.ask(_question(123)).mode != Mode.CURATED  # drafts are not served

    published = curator.import_apply("alice", _plan(curator, path), publish=True)
    assert len(published.updated) == 497 and not published.created  # same questions: the answers are updated
    assert texts.QA_RESULT.format(n=497, created=0, updated=497) in published.summary()
    assert texts.QA_RESULT_UPDATED_ROW.format(row=2, id=first.id) in published.summary()
    assert [e.action for e in _imports(curator)] == ["curated.import_published", "curated.import"]
    for i in (1, 123, 388):
        answer = service.ask(_question(i))
        assert answer.mode == Mode.CURATED and f"答案编号{i}：" in answer.text


def test_csv_with_a_utf8_bom_or_in_gb18030_reads_the_same(env, tmp_path):
    _, curator = env
    curator.upload("alice", [Upload(_write(tmp_path / "in" / "极光.md", AURORA.encode()), "极光.md")])
    rows = [
        ["冬天摸门把手为什么会被电？", "冬天为啥老被电\n脱毛衣噼啪响是怎么回事", "冬天空气干燥，身体容易积累静电。",
         "static", "", "", "2027-01-31"],
        ["极光为什么是绿色的？", "极光的颜色｜绿色的极光", "高能粒子撞击氧原子发出绿光。", "极光.md，Panda", "部分正确",
         "极光都是绿色的", "2027/2/3"],
    ]
    plans = {}
    for encoding in ("utf-8-sig", "gb18030"):
        path = _write(tmp_path / f"{encoding}.csv", _csv_bytes(rows, encoding))
        plans[encoding] = _plan(curator, path)
    assert (tmp_path / "utf-8-sig.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    utf8, gbk = plans["utf-8-sig"], plans["gb18030"]
    assert not utf8.problems and not gbk.problems
    assert [(r.row, r.question, r.paraphrases, r.articles, r.verdict, r.claim, r.review_by) for r in utf8.rows] == \
           [(r.row, r.question, r.paraphrases, r.articles, r.verdict, r.claim, r.review_by) for r in gbk.rows]
    aurora = utf8.rows[1]
    assert aurora.row == 3 and aurora.paraphrases == ("极光的颜色", "绿色的极光")
    assert aurora.articles == ("极光", "panda")  # an uploaded document's file name, and an id in any case
    assert aurora.review_by == dt.date(2027, 2, 3) and utf8.rows[0].paraphrases == ("冬天为啥老被电", "脱毛衣噼啪响是怎么回事")


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_problems_a_curator_can_act_on_and_duplicates(env, tmp_path):
    _, curator = env
    existing = curator.save_curated("alice", "为什么冬天摸门把手会被电？", "旧的解答。", "", "static")
    curator.set_curated_status("alice", existing.id, "published")
    rows = [
        ["大熊猫吃什么？", "", "竹子。", "panda", "", "", ""],  # row 2
        ["为什么冬天摸门把手会被电", "", "新的解答：空气干燥，身体带静电。", "static", "", "", ""],  # 3: the existing one
        ["问" * 501, "", "答", "", "", "", ""],  # 4
        ["长解答", "", "答" * 4001, "", "", "", ""],  # 5
        ["大熊猫吃什么?", "", "又一次。", "", "", "", ""],  # 6: the same as row 2 (width, punctuation)
        ["醋能软化血管吗？", "", "不能。", "", "对", "喝醋能软化血管", ""],  # 7: not a verdict
        ["醋能软化血管吗（二）？", "", "不能。", "", "假", "", ""],  # 8: a verdict without its claim
        ["醋能软化血管吗（三）？", "", "不能。", "", "", "喝醋能软化血管", ""],  # 9: a claim without a verdict
        ["外星人存在吗？", "", "目前没有证据。", "", "尚无定论", "外星人存在", ""],  # 10: fine
        [None, None, None, None, None, None, None],  # 11: empty rows are not problems
    ]
    plan = _plan(curator, _xlsx(tmp_path / "q.xlsx", rows))
    found = {(p.row, p.column): p.reason for p in plan.problems}
    assert set(found) == {(4, "问题"), (5, "解答"), (6, "问题"), (7, "结论"), (8, "被判断的说法"), (9, "被判断的说法")}
    assert found[(4, "问题")] == texts.QA_TOO_LONG.format(column="问题", length=501, limit=500)
    assert found[(5, "解答")] == texts.QA_TOO_LONG.format(column="解答", length=4001, limit=4000)
    assert found[(6, "问题")] == texts.QA_DUPLICATE_ROW.format(first=2)
    assert "「对」" in found[(7, "结论")] and "部分正确" in found[(7, "结论")]
    assert found[(8, "被判断的说法")] == texts.QA_CLAIM_NEEDED
    assert [r.row for r in plan.rows] == [2, 3, 10] and plan.updates == 1
    result = curator.import_apply("alice", plan)
    assert [(row, a.id) for row, a in result.updated] == [(3, existing.id)]
    assert texts.QA_RESULT_UPDATED_ROW.format(row=3, id=existing.id) in result.summary()
    updated = curator.store.answers.get(existing.id)
    assert updated.answer.startswith("新的解答") and updated.status == "published"  # an edit of a live answer


def test_a_file_missing_a_required_header_is_refused_naming_it(env, tmp_path):
    _, curator = env
    path = _xlsx(tmp_path / "h.xlsx", [["大熊猫吃什么？", "竹子"]], header=["问题", "答案"])
    with pytest.raises(QaFileRefused) as refused:
        _plan(curator, path)
    assert str(refused.value) == texts.QA_MISSING_HEADERS.format(row=1, missing="解答", expected="、".join(IMPORT_COLUMNS))


def test_merged_cells_are_refused_naming_the_cells(env, tmp_path):
    _, curator = env
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(IMPORT_COLUMNS))
    for i in range(4):
        sheet.append([f"问题{i}", "", f"解答{i}", "panda", "", "", ""])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("C5:D5")
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(QaFileRefused) as refused:
        _plan(curator, tmp_path / "m.xlsx")
    assert str(refused.value) == texts.QA_MERGED.format(cells="A3:A4、C5:D5")


def test_a_formula_without_a_computed_value_is_reported_by_cell(env, tmp_path):
    _, curator = env
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(IMPORT_COLUMNS))
    sheet.append(["大熊猫吃什么？", "", "竹子。", "panda", "", "", ""])
    sheet.append(["静电是什么？", "", '=A3&"的解答"', "static", "", "", ""])  # openpyxl stores no computed value
    book.save(tmp_path / "f.xlsx")
    plan = _plan(curator, tmp_path / "f.xlsx")
    assert [(p.row, p.column, p.reason) for p in plan.problems] == [
        (3, "解答", texts.QA_FORMULA.format(cell="C3"))]
    assert "公式没有计算结果，请在 Excel 里另存为数值" in plan.problems[0].reason
    assert [r.question for r in plan.rows] == ["大熊猫吃什么？"]


def test_files_that_are_not_spreadsheets_are_refused(env, tmp_path):
    _, curator = env
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as z:  # a .docx renamed to .xlsx: a zip, but no workbook
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships"/>')
        z.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                   '2006/main"/>')
    cases = {
        "工具.xlsx": (exe, texts.QA_NOT_XLSX.format(name="工具.xlsx")),
        "工具.csv": (exe, texts.QA_NOT_CSV.format(name="工具.csv")),
        "文档.xlsx": (word.getvalue(), texts.QA_NOT_XLSX.format(name="文档.xlsx")),
        "空的.csv": (b"", texts.QA_EMPTY.format(name="空的.csv")),
        "空白.csv": (b"\xef\xbb\xbf\r\n\r\n", texts.QA_EMPTY.format(name="空白.csv")),
        "程序.exe": (exe, texts.QA_BAD_TYPE.format(name="程序.exe")),
        "旧表.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), texts.QA_OLD_XLS.format(name="旧表.xls")),
    }
    for name, (data, message) in cases.items():
        path = _write(tmp_path / "in" / f"upload-{len(name)}-{abs(hash(name))}", data)
        with pytest.raises(QaFileRefused) as refused:
            _plan(curator, path, name)
        assert str(refused.value) == message, name


# ---- a file far over the limit is refused without being read whole -------------------------------------------
def _sheet_xml(rows: int, tail: str) -> str:
    cells = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>问题{n}</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>解答{n}</t></is></c></row>' for n in range(2, rows + 2))
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>问题</t></is></c>'
              '<c r="C1" t="inlineStr"><is><t>解答</t></is></c></row>')
    return ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + header + cells + tail)


def _with_sheet(tmp_path: Path, name: str, xml: str) -> Path:
    """A real workbook whose first sheet's XML is replaced by ``xml``."""
    base = _xlsx(tmp_path / f"base-{name}", [], header=["问题", "其他问法", "解答"])
    target = tmp_path / name
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            out.writestr(item.filename, data)
    return target


def test_50000_rows_are_refused_after_counting_past_the_limit_not_reading_everything(env, tmp_path):
    _, curator = env
    broken_tail = "<row r='99999'><c><<<"  # the XML is cut off and broken at the very end
    huge = _with_sheet(tmp_path, "huge.xlsx", _sheet_xml(50_000, broken_tail))
    with pytest.raises(QaFileRefused) as refused:
        _plan(curator, huge)
    # had it read to the end it would have met the broken XML and said the file is damaged
    assert str(refused.value) == texts.QA_TOO_MANY_ROWS.format(limit=MAX_ROWS)
    small = _with_sheet(tmp_path, "small.xlsx", _sheet_xml(100, broken_tail))
    with pytest.raises(QaFileRefused) as control:
        _plan(curator, small)
    assert str(control.value) == texts.QA_BROKEN_XLSX

    header = ("\ufeff" + ",".join(IMPORT_COLUMNS) + "\r\n").encode("utf-8")
    lines = [f"问题{n},,解答{n},panda,,,".encode() for n in range(50_000)]
    lines[30_000] = b"\xff\xfe\xfd"  # bytes that neither UTF-8 nor GB18030 can read
    big_csv = _write(tmp_path / "big.csv", header + b"\r\n".join(lines))
    with pytest.raises(QaFileRefused) as refused:
        _plan(curator, big_csv)
    assert str(refused.value) == texts.QA_TOO_MANY_ROWS.format(limit=MAX_ROWS)  # it never got to line 30,002
    small_csv = _write(tmp_path / "small.csv", header + b"\r\n".join([*lines[:100], b"\xff\xfe\xfd"]))
    with pytest.raises(QaFileRefused) as control:
        _plan(curator, small_csv)
    assert str(control.value) == texts.QA_BAD_ENCODING.format(row=102)

    limit = _with_sheet(tmp_path, "limit.xlsx", _sheet_xml(MAX_ROWS, "</sheetData></worksheet>"))
    assert len(_plan(curator, limit).rows) == MAX_ROWS  # exactly the limit is fine


# ---- export, template, all-or-nothing -------------------------------------------------------------------------
def test_export_then_import_elsewhere_gives_the_same_answers(env, settings, tmp_path):
    _, curator = env
    rows = [
        ["大熊猫吃什么？", "熊猫吃啥\n熊猫爱吃什么", "竹子占大熊猫食物的99%。", "panda", "", "", "2027-05-01"],
        ["醋能软化血管吗？", "", "不能，醋进入血液前就被中和了。", "panda、static", "假", "喝醋能软化血管", ""],
        ["=1+1 等于几？", "", "-18℃ 时要注意防冻；=SUM 不是公式。", "", "", "", ""],
        ["@某人 说的对吗？", "+号开头的问法", "引号 \"要保留\"，逗号，也是。", "static", "部分正确", "他说的都对", ""],
    ]
    curator.import_apply("alice", _plan(curator, _xlsx(tmp_path / "a.xlsx", rows)), publish=True)
    curator.save_curated("alice", "只有草稿的问题？", "草稿。")

    def content(answers) -> list[tuple]:
        return sorted((a.question, a.paraphrases, a.answer, a.articles, a.verdict, a.claim, a.review_by)
                      for a in answers)

    original = content(curator.curated("alice"))
    assert len(original) == 5
    for kind in ("xlsx", "csv"):
        _, fresh = _make_env(settings.model_copy(update={"data_dir": tmp_path / f"fresh-{kind}"}),
                             tmp_path / f"articles-{kind}")
        data = curator.export_qa("alice", kind)
        if kind == "csv":
            assert data.startswith(b"\xef\xbb\xbf")
            header = data.decode("utf-8-sig").splitlines()[0]
            assert header == ",".join(EXPORT_COLUMNS)
            assert "'=1+1 等于几？" in data.decode("utf-8-sig")  # a spreadsheet will not run it as a formula
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
            assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS)
            assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        exported = _write(tmp_path / f"export.{kind}", data)
        plan = _plan(fresh, exported)
        assert not plan.problems and len(plan.rows) == 5
        fresh.import_apply("alice", plan)
        # the same answers; one saved in the editor had no review-by date and gets the import's default
        default = in_twelve_months(dt.date.today())
        assert content(fresh.curated("alice")) == sorted((*a[:6], a[6] or default) for a in original)

    published = openpyxl.load_workbook(io.BytesIO(curator.export_qa("alice", "xlsx", "published"))).worksheets[0]
    assert published.max_row == 1 + 4 and "只有草稿的问题？" not in [c.value for c in published["B"]]


def test_the_template_has_the_headers_and_two_examples_that_must_be_rewritten(env, tmp_path):
    _, curator = env
    book = openpyxl.load_workbook(io.BytesIO(curator.qa_template("alice", "xlsx")))
    assert book.sheetnames == [texts.QA_SHEET, texts.QA_HELP_SHEET]
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == IMPORT_COLUMNS and len(rows) == 3
    assert [r[4] for r in rows[1:]] == [None, "假"] and rows[2][5]  # the second example judges a claim
    data = curator.qa_template("alice", "csv")
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").splitlines()[0] == ",".join(IMPORT_COLUMNS)
    for kind, payload in (("xlsx", curator.qa_template("alice", "xlsx")), ("csv", data)):
        plan = _plan(curator, _write(tmp_path / f"template.{kind}", payload))
        assert not plan.rows and {(p.row, p.reason) for p in plan.problems if p.column == "问题"} == \
            {(2, texts.QA_EXAMPLE_ROW), (3, texts.QA_EXAMPLE_ROW)}


def test_a_failure_midway_through_the_import_leaves_nothing_imported(env, tmp_path, monkeypatch):
    _, curator = env
    kept = curator.save_curated("alice", _question(3), "原来的解答。", "", "panda")
    plan = _plan(curator, _xlsx(tmp_path / "q.xlsx", [_generated_row(i) for i in range(400)]))
    assert plan.updates == 1
    real = curated_store._write_import
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 250:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(curated_store, "_write_import", flaky)
    with pytest.raises(RuntimeError):
        curator.import_apply("alice", plan, publish=True)
    assert len(calls) == 250
    assert [a.id for a in curator.curated("alice")] == [kept.id]  # none of the 249 written before the failure
    assert curator.store.answers.get(kept.id).answer == "原来的解答。" and _imports(curator) == []
    monkeypatch.setattr(curated_store, "_write_import", real)
    assert curator.import_apply("alice", plan).imported == 400  # and the same plan then goes in whole


def test_every_spreadsheet_action_refuses_a_non_curator(env, tmp_path):
    _, curator = env
    path = _xlsx(tmp_path / "q.xlsx", [_generated_row(1)])
    plan = _plan(curator, path)
    calls = [
        lambda who: curator.import_plan(who, Upload(path, path.name)),
        lambda who: curator.import_apply(who, plan),
        lambda who: curator.export_qa(who),
        lambda who: curator.qa_template(who, "csv"),
    ]
    for call in calls:
        for who in (None, "", "mallory"):
            with pytest.raises(NotAuthorised):
                call(who)
    assert curator.curated("alice") == []


def test_twelve_months_from_a_leap_day() -> None:
    assert in_twelve_months(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert in_twelve_months(dt.date(2026, 7, 15)) == dt.date(2027, 7, 15)
    assert qa_io.VERDICTS[:3] == ("真", "假", "部分正确")


# ---- through the console's API on a real app ------------------------------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, app = start_app(tmp_path_factory.mktemp("qa-io"))
    yield app
    stop_app(proc)


def _data(table: object) -> list[list]:
    return table["data"] if isinstance(table, dict) else table  # type: ignore[index]


@pytest.mark.integration
def test_console_template_check_import_publish_export(live: LiveApp, tmp_path: Path) -> None:
    console = Client(live.url + "/curator/", verbose=False,
                     headers={"Cookie": f"asksci_session={login_cookies(live).get('asksci_session')}"})
    template = Path(console.predict("csv", api_name="/qa_template"))
    assert template.read_bytes().decode("utf-8-sig").splitlines()[0] == ",".join(IMPORT_COLUMNS)

    question = "大熊猫的黑白毛色在野外有什么好处？"
    upload = _write(tmp_path / "批量.csv", _csv_bytes([
        [question, "熊猫为什么是黑白的", "黑白相间的毛色在雪地和树荫里都能帮它隐蔽。", "biology-giant-panda", "", "", ""],
        ["熊猫会冬眠吗？", "", "不会。", "no-such-article", "", "", ""],
    ], "utf-8-sig"))
    summary, table = console.predict(handle_file(str(upload)), api_name="/qa_validate")
    assert texts.QA_PLAN_SUMMARY.format(ok=1, bad=1) in summary
    assert [row[:2] for row in _data(table)] == [[3, "引用文章"]]

    summary, _ = console.predict(handle_file(str(upload)), api_name="/qa_import_publish")
    assert texts.QA_RESULT.format(n=1, created=1, updated=0) in summary and texts.QA_RESULT_PUBLISHED in summary
    asked = httpx.post(live.url + "/api/ask", json={"question": question}, timeout=60).json()
    assert asked["mode"] == "curated" and "隐蔽" in asked["answer"]

    exported = Path(console.predict("xlsx", texts.QA_EXPORT_PUBLISHED, api_name="/qa_export"))
    questions = [c.value for c in openpyxl.load_workbook(exported).worksheets[0]["B"]]
    assert question in questions
