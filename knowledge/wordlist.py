"""The sensitive-word list: its two file formats, Aho-Corasick matching with a whitelist, and a guard for streams.

- :class:`WordList` holds blocked phrases (with a category) and whitelisted (always-allowed) terms.
  :func:`parse_text` / :func:`parse_csv` read the curator's file and report every bad line as a
  :class:`ParseProblem`; :func:`to_text` / :func:`to_csv` write it back (``parse(to_x(wl)) == wl``).
- :class:`WordMatcher` finds blocked phrases in a text. Matching folds width (NFKC), case and traditional
  characters, and skips the separators people insert to dodge a filter (spaces, ·, *, -, _, zero-width
  characters). Offsets are those of the original text. A blocked hit that lies entirely inside a
  whitelisted term (毒品 inside 毒品的危害) is not reported.
- :class:`StreamGuard` sits between an LLM stream and the reader: it only releases text that can no longer
  turn out to be part of a blocked phrase, and stops for good once one is seen.

Single characters are never list entries: 性, 毒 or 枪 alone would block a great deal of science.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from knowledge import texts

SHIPPED_LIST = Path(__file__).with_name("sensitive_words.txt")
MIN_TERM_LEN = 2
MAX_TERM_LEN = 32

# Inserted between the characters of a term to dodge a filter; skipped when matching (with every
# whitespace and every Unicode format character, the zero-width ones included).
SEPARATORS = frozenset(" ·•・‧∙*-_~.‐‑‒–—―")
_FORBIDDEN_IN_FIELDS = frozenset(",，\t\r\n#")
_TEXT_FIELD_SPLIT = re.compile(r"[\t,，]")

_CSV_COLUMNS = {
    texts.WORDS_CSV_HEADER[0]: "term", "term": "term",
    texts.WORDS_CSV_HEADER[1]: "category", "category": "category",
    texts.WORDS_CSV_HEADER[2]: "kind", "kind": "kind",
}
_CSV_KINDS = {
    texts.WORDS_KIND_BLOCK: False, "block": False, "blocked": False, "": False,
    texts.WORDS_KIND_ALLOW: True, "allow": True, "allowed": True,
}


@dataclass(frozen=True)
class WordEntry:
    term: str
    category: str = ""


@dataclass(frozen=True)
class ParseProblem:
    line_no: int
    reason: str


@dataclass
class WordList:
    """Blocked phrases and always-allowed terms; ``problems`` are what parsing refused (not part of equality)."""

    blocked: list[WordEntry] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list, compare=False)


@dataclass(frozen=True)
class Hit:
    term: str
    category: str
    start: int
    end: int


# ---------------------------------------------------------------------------------------------------------
# Folding


def _is_separator(ch: str) -> bool:
    return ch in SEPARATORS or ch.isspace() or unicodedata.category(ch) == "Cf"


class _Folder:
    """Folds text for matching and remembers, for every folded character, the original character it came from."""

    def __init__(self, t2s: dict[str, str]) -> None:
        self._t2s = t2s

    def fold(self, text: str) -> tuple[str, list[int]]:
        chars: list[str] = []
        origins: list[int] = []
        t2s = self._t2s
        for i, ch in enumerate(text):
            if "\u4e00" <= ch <= "\u9fff":  # CJK ideographs: NFKC and case leave them alone
                chars.append(t2s.get(ch, ch))
                origins.append(i)
            elif ch < "\x80":
                if not (ch in SEPARATORS or ch.isspace()):
                    chars.append(ch.lower())
                    origins.append(i)
            else:
                for part in unicodedata.normalize("NFKC", ch):
                    if _is_separator(part):
                        continue
                    for out in t2s.get(part, part).lower():
                        chars.append(out)
                        origins.append(i)
        return "".join(chars), origins

    def key(self, text: str) -> str:
        return self.fold(text)[0]


def _load_t2s() -> dict[str, str]:
    """Traditional → simplified, one character for one (OpenCC's character table; the first reading wins)."""
    import opencc  # a dependency of the project already (question normalisation)

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    pairs: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ", 1)[0]
        if len(source) == 1 and len(target) == 1:
            pairs[source] = target
    return pairs


_PLAIN = _Folder({})  # width, case and separators only: what counts as "the same entry" in a list


def _is_ascii_word_char(ch: str) -> bool:
    return ch < "\x80" and ch.isalnum()


# ---------------------------------------------------------------------------------------------------------
# Parsing and writing


def check_term(term: str) -> str | None:
    """Why ``term`` cannot be a list entry (a reason a curator reads), or None when it can."""
    if not term:
        return texts.WORDS_EMPTY_TERM
    if term.startswith("+") or any(ch in _FORBIDDEN_IN_FIELDS for ch in term):
        return texts.WORDS_BAD_CHAR.format(term=term)
    if term != term.strip() or any(ch.isspace() for ch in term):
        return texts.WORDS_INNER_SPACE.format(term=term)
    length = len(_PLAIN.key(term))
    if length == 0:
        return texts.WORDS_EMPTY_TERM
    if length < MIN_TERM_LEN:
        return texts.WORDS_SINGLE_CHAR.format(term=term)
    if length > MAX_TERM_LEN:
        return texts.WORDS_TOO_LONG.format(term=term, length=length, limit=MAX_TERM_LEN)
    return None


def _check_category(category: str) -> str | None:
    if any(ch in _FORBIDDEN_IN_FIELDS for ch in category):
        return texts.WORDS_BAD_CATEGORY.format(category=category)
    return None


class _Collector:
    """Accumulates entries in file order, merging duplicates and keeping every refusal as a problem."""

    def __init__(self) -> None:
        self._blocked: dict[str, tuple[WordEntry, int]] = {}
        self._allowed: dict[str, tuple[str, int]] = {}
        self.problems: list[ParseProblem] = []

    def problem(self, line_no: int, reason: str) -> None:
        self.problems.append(ParseProblem(line_no, reason))

    def add(self, line_no: int, term: str, category: str, allow: bool) -> None:
        reason = check_term(term) or _check_category(category)
        if reason:
            self.problem(line_no, reason)
            return
        key = _PLAIN.key(term)
        other = self._blocked if allow else self._allowed
        if key in other:
            first_kind, kind = (
                (texts.WORDS_KIND_BLOCK, texts.WORDS_KIND_ALLOW) if allow
                else (texts.WORDS_KIND_ALLOW, texts.WORDS_KIND_BLOCK)
            )
            self.problem(line_no, texts.WORDS_CONFLICT.format(
                term=term, first=other[key][1], first_kind=first_kind, kind=kind))
            return
        if allow:
            if category:
                self.problem(line_no, texts.WORDS_ALLOW_CATEGORY.format(term=term, category=category))
            if key not in self._allowed:
                self._allowed[key] = (term, line_no)
            return
        if key in self._blocked:
            entry, first = self._blocked[key]
            if entry.category != category:
                self.problem(line_no, texts.WORDS_DUPLICATE_CATEGORY.format(
                    term=term, first=first, category=entry.category))
            return
        self._blocked[key] = (WordEntry(term, category), line_no)

    def result(self) -> WordList:
        return WordList(
            blocked=[entry for entry, _ in self._blocked.values()],
            allowed=[term for term, _ in self._allowed.values()],
            problems=self.problems,
        )


def parse_text(text: str) -> WordList:
    """One term a line, ``词条<Tab>类别`` (or a comma); ``+词条`` is whitelisted; ``#`` starts a comment."""
    collector = _Collector()
    for line_no, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        allow = line.startswith("+")
        if allow:
            line = line[1:].strip()
        fields = [part.strip() for part in _TEXT_FIELD_SPLIT.split(line)]
        if len(fields) > 2:
            collector.problem(line_no, texts.WORDS_TOO_MANY_FIELDS)
            continue
        collector.add(line_no, fields[0], fields[1] if len(fields) == 2 else "", allow)
    return collector.result()


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def parse_csv(text: str) -> WordList:
    """Columns 词条,类别,类型 (类型 屏蔽 or 白名单; an empty 类型 blocks), or term,category,kind (block/allow)."""
    collector = _Collector()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    columns: dict[str, int] | None = None
    last_line = 0
    try:
        for row in reader:
            line_no, last_line = last_line + 1, reader.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if columns is None:
                columns = {_CSV_COLUMNS[c.lower()]: i for i, c in enumerate(cells) if c.lower() in _CSV_COLUMNS}
                if "term" not in columns:
                    collector.problem(line_no, texts.WORDS_CSV_NO_HEADER)
                    break
                continue

            term, category, kind = (_cell(cells, columns.get(name)) for name in ("term", "category", "kind"))
            if kind.lower() not in _CSV_KINDS:
                collector.problem(line_no, texts.WORDS_CSV_KIND.format(kind=kind))
                continue
            collector.add(line_no, term, category, _CSV_KINDS[kind.lower()])
    except csv.Error:
        collector.problem(last_line + 1, texts.WORDS_CSV_BROKEN)
    return collector.result()


def to_text(wordlist: WordList) -> str:
    lines = [f"{e.term}\t{e.category}" if e.category else e.term for e in wordlist.blocked]
    lines += [f"+{term}" for term in wordlist.allowed]
    return "".join(f"{line}\n" for line in lines)


def to_csv(wordlist: WordList) -> str:
    """CSV with a UTF-8 byte-order mark, so that spreadsheet programs open the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(texts.WORDS_CSV_HEADER)
    writer.writerows((e.term, e.category, texts.WORDS_KIND_BLOCK) for e in wordlist.blocked)
    writer.writerows((term, "", texts.WORDS_KIND_ALLOW) for term in wordlist.allowed)
    return "\ufeff" + out.getvalue()


def load_shipped() -> WordList:
    """The default list shipped with the project (a starting point, not a legal list)."""
    return parse_text(SHIPPED_LIST.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class _Scan:
    folded: str
    origins: list[int]
    hits: list[tuple[int, int, WordEntry]]  # folded [start, end) of the blocked hits left after the whitelist


class WordMatcher:
    """Finds the blocked phrases of a word list in a text, in one Aho-Corasick pass."""

    def __init__(self, wordlist: WordList) -> None:
        self._folder = _Folder(_load_t2s())
        # folded key -> (blocked entry or None, whitelisted?)
        keys: dict[str, tuple[WordEntry | None, bool]] = {}
        for entry in wordlist.blocked:
            key = self._key(entry.term)
            keys.setdefault(key, (entry, False))
        for term in wordlist.allowed:
            key = self._key(term)
            entry, _ = keys.get(key, (None, False))
            keys[key] = (entry, True)
        self._automaton: ahocorasick.Automaton | None = None
        if keys:
            automaton = ahocorasick.Automaton()
            for key, (entry, allow) in keys.items():
                automaton.add_word(key, (len(key), entry, allow, _is_ascii_word_char(key[0]),
                                         _is_ascii_word_char(key[-1])))
            automaton.make_automaton()
            self._automaton = automaton
        self.max_term_len = max((len(k) for k, (e, _) in keys.items() if e is not None), default=0)
        self.max_allowed_len = max((len(k) for k, (_, a) in keys.items() if a), default=0)

    def _key(self, term: str) -> str:
        reason = check_term(term)
        if reason:
            raise ValueError(reason)
        return self._folder.key(term)

    def _scan(self, text: str) -> _Scan:
        folded, origins = self._folder.fold(text)
        if self._automaton is None:
            return _Scan(folded, origins, [])
        blocked: list[tuple[int, int, WordEntry]] = []
        allowed: list[tuple[int, int]] = []
        last = len(folded) - 1
        for end, (length, entry, allow, word_start, word_end) in self._automaton.iter(folded):
            start = end - length + 1
            if allow:
                allowed.append((start, end + 1))
            if entry is None:
                continue
            # an ASCII term (a brand, an abbreviation) must not match inside a longer ASCII word
            if word_start and start > 0 and _is_ascii_word_char(folded[start - 1]):
                continue
            if word_end and end < last and _is_ascii_word_char(folded[end + 1]):
                continue
            blocked.append((start, end + 1, entry))
        hits = [(s, e, entry) for s, e, entry in blocked if not any(a <= s and e <= b for a, b in allowed)]
        hits.sort(key=lambda h: (h[0], -h[1]))
        return _Scan(folded, origins, hits)

    def find(self, text: str) -> list[Hit]:
        """Every blocked phrase in ``text`` that no whitelisted term covers, in reading order."""
        scan = self._scan(text)
        return [Hit(entry.term, entry.category, scan.origins[s], scan.origins[e - 1] + 1) for s, e, entry in scan.hits]


class StreamGuard:
    """Releases streamed text only once it can no longer be part of a blocked phrase.

    ``feed`` holds back the last ``max_term_len - 1`` characters (separators between them do not count),
    and from the start of a blocked hit that a longer whitelisted term might still cover once more text
    arrives. Once a blocked phrase is certain, ``blocked`` is True, ``hit`` says which (offsets in the
    whole stream) and nothing more is released: the caller replaces the answer.
    """

    def __init__(self, matcher: WordMatcher) -> None:
        self._matcher = matcher
        self._hold = max(matcher.max_term_len - 1, 0)
        self._confirm = matcher.max_allowed_len
        self._context = max(matcher.max_allowed_len - 1, 1)
        self._buffer = ""  # text not yet released, after some released text kept as context
        self._released = 0  # index in the buffer of the first character not yet released
        self._base = 0  # index in the whole stream of the buffer's first character
        self.blocked = False
        self.hit: Hit | None = None

    def feed(self, piece: str) -> str:
        """The text that is safe to show now (may be empty)."""
        if self.blocked:
            return ""
        self._buffer += piece
        return self._release(final=False)

    def finish(self) -> str:
        """The rest of the stream, unless it holds a blocked phrase (then empty, and ``blocked`` is True)."""
        if self.blocked:
            return ""
        return self._release(final=True)

    def _release(self, final: bool) -> str:
        scan = self._matcher._scan(self._buffer)
        size = len(scan.folded)
        pending = size
        for start, end, entry in scan.hits:
            if scan.origins[start] < self._released:
                continue  # judged (and released) before: a whitelisted term covered it then, and still does
            if final or (end < size and size - start >= self._confirm):
                self.blocked = True
                self.hit = Hit(entry.term, entry.category, self._base + scan.origins[start],
                               self._base + scan.origins[end - 1] + 1)
                self._buffer = ""
                return ""
            pending = min(pending, start)
        if final:
            out = self._buffer[self._released:]
            self._base += len(self._buffer)
            self._buffer, self._released = "", 0
            return out
        limit = max(min(size - self._hold, pending), 0)
        cut = scan.origins[limit] if limit < size else len(self._buffer)
        cut = max(cut, self._released)
        out = self._buffer[self._released:cut]
        keep = scan.origins[max(limit - self._context, 0)] if size else len(self._buffer)
        keep = min(keep, cut)
        self._buffer = self._buffer[keep:]
        self._released = cut - keep
        self._base += keep
        return out
