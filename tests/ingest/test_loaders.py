import codecs
from pathlib import Path

import pytest

from ingest.encoding import decode_bytes
from ingest.loaders import load_file
from knowledge.errors import IngestError
from tests import samples

TEXT = "天空为什么是蓝色的？因为大气分子对蓝光的散射更强。"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-bom", "utf16le", "utf16be"],
)
def test_decodes_common_chinese_encodings(data: bytes) -> None:
    assert decode_bytes(data) == TEXT


def test_binary_is_reported_not_decoded() -> None:
    with pytest.raises(IngestError, match="二进制"):
        decode_bytes(bytes(range(256)) * 4)


def test_markdown_front_matter_becomes_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(samples.MD_TEXT, encoding="utf-8")
    doc = load_file(path)
    assert doc.title == "彩虹是怎样形成的"
    assert doc.metadata["author"] == "测试作者"
    assert doc.metadata["tags"] == "光学、天气"
    assert "title:" not in doc.text
    assert "## 什么时候容易看到" in doc.text


def test_broken_front_matter_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\n正文。", encoding="utf-8")
    with pytest.raises(IngestError, match="YAML"):
        load_file(path)


def test_html_keeps_article_drops_navigation_and_footer(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(samples.HTML_TEXT, encoding="utf-8")
    doc = load_file(path)
    assert doc.title == "打雷时怎样保护自己"
    assert "不要在大树下避雨" in doc.text
    assert "首页" not in doc.text and "版权所有" not in doc.text


def test_html_declared_gbk(tmp_path: Path) -> None:
    path = tmp_path / "gbk.htm"
    path.write_bytes(samples.HTML_TEXT.replace("utf-8", "gbk").encode("gb18030"))
    assert "双脚并拢蹲下" in load_file(path).text


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(samples.make_pdf(samples.PDF_TEXT))
    assert "公筷" in "".join(load_file(path).text.split())


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(samples.make_pdf(None))
    with pytest.raises(IngestError, match="OCR"):
        load_file(path)


def test_broken_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF garbage")
    with pytest.raises(IngestError):
        load_file(path)


def test_docx_headings_and_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(samples.make_docx(samples.DOCX_PARAGRAPHS))
    doc = load_file(path)
    assert doc.title == "垃圾分类的四个类别"
    assert "## 垃圾分类的四个类别" in doc.text
    assert "废电池和过期药品属于有害垃圾" in doc.text


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match="Word"):
        load_file(path)


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "blank.txt"])
def test_empty_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"" if name.startswith("empty") else b"  \n\n \t ")
    with pytest.raises(IngestError, match="空"):
        load_file(path)


def test_unsupported_type(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"whatever")
    with pytest.raises(IngestError, match="不支持"):
        load_file(path)
