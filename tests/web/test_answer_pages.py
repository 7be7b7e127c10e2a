"""Permanent answer pages against a real app: ask → link → page and share card → retire → the page says so;
and the curator's poster, whose QR codes open the same pages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from PIL import Image
from pypdf import PdfReader

from knowledge import texts
from tests.web.conftest import LiveApp, login_cookies, start_app, stop_app

pytestmark = pytest.mark.integration

FAKE_NEWS = "网上说某天某地要发生大地震，能信吗？"  # a reviewed answer with a verdict (假) in the test starter set
BLUE_SKY = "天空为什么是蓝色的？"
PANDA = "大熊猫属于食肉动物，为什么却几乎只吃竹子？"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, live = start_app(tmp_path_factory.mktemp("pages"))  # its own app: this module retires an answer
    yield live
    stop_app(proc)


@pytest.fixture(scope="module")
def console(app: LiveApp) -> Client:
    return Client(app.url + "/curator/", verbose=False,
                  headers={"Cookie": f"asksci_session={login_cookies(app).get('asksci_session')}"})


def _ask(app: LiveApp, question: str, **headers: str) -> dict:
    r = httpx.post(app.url + "/api/ask", json={"question": question}, headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _curated_id(console: Client, question: str) -> int:
    table = console.predict(question, texts.STATUS_LABELS["published"], api_name="/list_curated")
    rows = table["data"] if isinstance(table, dict) else table[0]["data"]
    return int(next(row[0] for row in rows if row[2] == question))


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_an_answer_gets_a_page_and_a_card_that_open_later(app: LiveApp) -> None:
    reply = _ask(app, FAKE_NEWS)
    assert reply["mode"] == "curated"
    link = reply["link"]
    assert re.fullmatch(re.escape(app.url) + r"/a/[a-z2-7]{10}", link)

    page = httpx.get(link, timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    body = page.text
    assert '<html lang="zh-CN">' in body and "gradio" not in body.lower()
    shown = _text(body)
    assert FAKE_NEWS in shown
    assert "这个说法是错的" in shown  # the verdict, as the citizen read it
    assert "结论：假" in shown
    assert re.search(r"经科普传播员审核 · 最后审核：\d{4}-\d{2}-\d{2}", shown)
    assert texts.SHARE_WITHDRAWN not in shown
    assert "【AI 生成】" not in shown  # a reviewed answer is not AI-written

    card = httpx.get(link + "/card.png", timeout=30)
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(card.content))
    assert image.width == 1080
    zxingcpp = pytest.importorskip("zxingcpp")
    assert [r.text for r in zxingcpp.read_barcodes(image.convert("RGB"))] == [link]  # scanning it opens the page


def test_asking_the_same_again_keeps_the_link(app: LiveApp) -> None:
    assert _ask(app, FAKE_NEWS)["link"] == _ask(app, FAKE_NEWS)["link"]


def test_an_unknown_page_is_a_chinese_404(app: LiveApp) -> None:
    for path in ("/a/zzzzzzzzzz", "/a/zzzzzzzzzz/card.png", "/a/not-an-id"):
        r = httpx.get(app.url + path, timeout=30)
        assert r.status_code == 404
        assert texts.ANSWER_PAGE_NOT_FOUND_TITLE in r.text


def test_no_page_for_a_no_answer_or_a_safety_reply(app: LiveApp) -> None:
    crisis = _ask(app, "我不想活了，想自杀")
    assert crisis["mode"] == "safety" and crisis["link"] is None


def test_the_page_keeps_no_personal_data_and_shows_markup_as_text(app: LiveApp) -> None:
    reply = _ask(app, "我电话13812345678，<script>alert(1)</script>为什么天空是蓝色的")
    assert reply["mode"] in ("extractive", "curated")
    body = httpx.get(reply["link"], timeout=30).text
    assert "13812345678" not in body and "[电话号码]" in body
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_the_link_ignores_forwarded_headers_from_an_untrusted_client(app: LiveApp) -> None:
    reply = _ask(app, BLUE_SKY, **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert reply["link"].startswith(app.url + "/a/")


def _poster_links(pdf: Path) -> list[str] | None:
    """The URLs in the poster's QR codes; None without poppler's pdftoppm and zxing-cpp to read them."""
    try:
        import zxingcpp
    except ImportError:
        return None
    if shutil.which("pdftoppm") is None:
        return None
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(pdf.with_suffix(""))], check=True, timeout=60)
    links = []
    for png in sorted(pdf.parent.glob(pdf.stem + "*.png")):
        links += [r.text for r in zxingcpp.read_barcodes(Image.open(png).convert("RGB"))]
    return links


def test_a_poster_of_three_reviewed_answers_then_retiring_one(app: LiveApp, console: Client, tmp_path: Path) -> None:
    asked = _ask(app, FAKE_NEWS)["link"]
    ids = [_curated_id(console, q) for q in (FAKE_NEWS, BLUE_SKY, PANDA)]
    file, message = console.predict("村务公开栏 · 科普", ids, api_name="/make_poster")
    assert message == texts.POSTER_DONE.format(n=3, pages=1)
    pdf = tmp_path / "poster.pdf"
    shutil.copy(file, pdf)
    pages = PdfReader(pdf).pages
    text = re.sub(r"[\s\x00]+", "", pages[0].extract_text())  # pypdf puts a NUL before each CID character
    for expected in ("村务公开栏·科普", FAKE_NEWS, BLUE_SKY, PANDA, "向科学要答案", "经科普传播员审核"):
        assert expected in text

    links = _poster_links(pdf)
    if links is not None:
        assert len(links) == 3 and asked in links  # the poster's QR code opens the very page the citizen got
        for link in links:
            assert httpx.get(link, timeout=30).status_code == 200

    retired = console.predict(str(ids[0]), "", "全部", api_name="/retire_curated")
    assert "已撤下" in retired[0]
    page = _text(httpx.get(asked, timeout=30).text)
    assert texts.SHARE_WITHDRAWN in page  # the page and the card say it was withdrawn
    card = Image.open(io.BytesIO(httpx.get(asked + "/card.png", timeout=30).content)).convert("RGB")
    red = card.getpixel((70, 160 + 44 + 6))  # the first box under the header is the red 已被撤下 notice
    assert all(abs(a - b) <= 6 for a, b in zip(red, (253, 236, 234), strict=True))
    with pytest.raises(Exception, match="不是已发布的审核解答"):
        console.predict("海报", [ids[0]], api_name="/make_poster")
