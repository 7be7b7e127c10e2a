"""File → :class:`LoadedDocument`: text (Markdown-like: ``#`` headings, blank-line paragraphs) + metadata."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.encoding import decode_bytes
from knowledge import texts
from knowledge.errors import IngestError
from knowledge.types import SUPPORTED_SUFFIXES

__all__ = ["SUPPORTED_SUFFIXES", "LoadedDocument", "load_file"]
MAX_DOCX_UNZIPPED = 200 * 1024 * 1024


@dataclass
class LoadedDocument:
    """The text of one file and what we know about it."""

    text: str
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def _scalar(value: object) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|~~|`)(.+?)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Separate YAML front matter from a Markdown body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise IngestError(texts.INGEST_FRONT_MATTER.format(detail=str(exc).splitlines()[0])) from exc
    if not isinstance(data, dict):
        raise IngestError(texts.INGEST_FRONT_MATTER.format(detail="应为“键: 值”的形式"))
    return {str(k): _scalar(v) for k, v in data.items()}, text[match.end() :]


def markdown_to_text(body: str) -> str:
    """Keep headings and paragraphs, drop Markdown decoration."""
    lines = []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("```") or re.fullmatch(r"[-*_]{3,}", stripped) or stripped.startswith("|---"):
            continue
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        line = _HTML_TAG.sub("", line)
        line = re.sub(r"^\s*>\s?", "", line)
        lines.append(line.rstrip())
    return "\n".join(lines)


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def load_text(data: bytes, path: Path) -> LoadedDocument:
    text = decode_bytes(data)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    looks_like_title = len(first) <= 40 and not re.search(r"[。！？；!?;，,：:]", first)
    return LoadedDocument(text, first if looks_like_title else "")


def load_markdown(data: bytes, path: Path) -> LoadedDocument:
    meta, body = split_front_matter(decode_bytes(data))
    text = markdown_to_text(body)
    return LoadedDocument(text, meta.get("title") or _first_heading(text), meta)


def _html_charset(data: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([a-zA-Z0-9_-]+)", data[:4096], re.I)
    return match.group(1).decode("ascii").lower() if match else None


def load_html(data: bytes, path: Path) -> LoadedDocument:
    from bs4 import BeautifulSoup

    charset = _html_charset(data)
    html = None
    if charset:
        try:
            html = data.decode("gb18030" if charset in {"gbk", "gb2312", "gb18030"} else charset)
        except (LookupError, UnicodeDecodeError):
            html = None
    if html is None:
        html = decode_bytes(data)
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg"]):
        tag.decompose()
    boiler = re.compile(r"nav|menu|footer|sidebar|breadcrumb|comment|advert|share|related|copyright", re.I)
    for tag in soup.find_all(attrs={"class": boiler}) + soup.find_all(attrs={"id": boiler}):
        if not tag.decomposed:
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    h1 = root.find("h1")
    if h1 and h1.get_text(strip=True):
        title = h1.get_text(strip=True)
    blocks = []
    for el in root.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td"]):
        if el.find(["p", "li", "h1", "h2", "h3", "h4", "td"]):
            continue  # a container; its children are visited themselves
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name[0] == "h":
            blocks.append("#" * int(el.name[1]) + " " + text)
        else:
            blocks.append(text)
    if not blocks:
        blocks = [" ".join(root.get_text(" ", strip=True).split())]
    return LoadedDocument("\n\n".join(blocks), title)


def load_pdf(data: bytes, path: Path) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(texts.INGEST_ENCRYPTED_PDF)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise IngestError(texts.INGEST_ENCRYPTED_PDF) from exc
        raise IngestError(texts.INGEST_BROKEN_PDF.format(detail=exc)) from exc
    text = "\n\n".join(pages).replace("\x00", "")
    if len("".join(text.split())) < 20:
        raise IngestError(texts.INGEST_SCANNED_PDF)
    return LoadedDocument(text, str(title))


def load_docx(data: bytes, path: Path) -> LoadedDocument:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_DOCX_UNZIPPED:
                raise IngestError(texts.INGEST_DOCX_TOO_LARGE)
        document = docx.Document(io.BytesIO(data))
    except IngestError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError(texts.INGEST_BROKEN_DOCX.format(detail=exc)) from exc
    blocks = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = re.search(r"(?:Heading|标题)\s*(\d)", style)
        if style == "Title":
            blocks.append("# " + text)
        elif level:
            blocks.append("#" * (int(level.group(1)) + 1) + " " + text)
        else:
            blocks.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                blocks.append("，".join(dict.fromkeys(cells)))
    title = document.core_properties.title or _first_heading("\n".join(blocks))
    return LoadedDocument("\n\n".join(blocks), title)


LOADERS: dict[str, Callable[[bytes, Path], LoadedDocument]] = {
    ".txt": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def load_file(path: Path, data: bytes | None = None) -> LoadedDocument:
    """Load one file. Raises :class:`IngestError` with a reason a curator can act on."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise IngestError(texts.INGEST_UNSUPPORTED.format(suffix=path.suffix or path.name,
                                                          supported=" ".join(SUPPORTED_SUFFIXES)))
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(texts.INGEST_UNREADABLE.format(detail=exc.strerror or exc)) from exc
    if not data.strip():
        raise IngestError(texts.INGEST_EMPTY)
    doc = loader(data, path)
    if not doc.text.strip():
        raise IngestError(texts.INGEST_EMPTY)
    if not doc.title:
        doc.title = path.stem
    return doc
