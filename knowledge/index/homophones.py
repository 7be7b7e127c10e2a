"""Homophone typos in a question: 熊描 → 熊猫, 国家公圆 → 国家公园, 通迅录 → 通讯录, 中署 → 中暑.

People type Chinese by sound, so a slip gives a character of the right sound and the wrong meaning, and the
word is then one neither index knows. A stretch of a question is read as a word of the knowledge base when

- it lies on the question's word boundaries (or inside a stretch jieba could not make a word of) and is no word
  itself (not in the knowledge base, the glossary or jieba's dictionary), nor made of words alone;
- it sounds exactly like that word (toneless pinyin, character by character);
- it differs from that word in exactly one character, and no other word of that sound does so too.

Only the text used for matching and retrieval is changed; what the citizen wrote is shown and logged as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}")
LONGEST = 6
# Characters people rarely mistype but that sound like many others (是/时/十, 的/得, 我/握): a stretch whose
# differing character is one of these is no slip.
_PLAIN = frozenset("的地得是我你他她它们在再了着过不没也又有要就才都被把给让和与跟很太还这那哪个些么吗呢吧啊呀嘛"
                   "一二三四五六七八九十百千万两几多少大小上下里外前后左右来去到说看想做打拿找出进回开"
                   "吃喝用会能可以为因所而且但就对从向往比等")


def _sound(text: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin  # ~0.7 s to import: only a question that found nothing needs it

    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))


def _one_slip(stretch: str, word: str) -> bool:
    differ = [a for a, b in zip(stretch, word, strict=True) if a != b]
    return len(differ) == 1 and differ[0] not in _PLAIN


class Homophones:
    """Reads one-character homophone slips as the knowledge base's words (see the module text)."""

    def __init__(self, words: Iterable[str], is_word: Callable[[str], bool],
                 segment: Callable[[str], list[str]]) -> None:
        """``words``: what the knowledge base uses (its vocabulary, the glossary); ``is_word``: whether a
        stretch is a word at all (any dictionary); ``segment``: plain segmentation of a stretch of text."""
        self._is_word = is_word
        self._segment = segment
        self._by_sound: dict[tuple[str, ...], list[str]] = {}
        for word in set(words):
            if _HAN_WORD.fullmatch(word):
                sound = _sound(word)
                if len(sound) == len(word):
                    self._by_sound.setdefault(sound, []).append(word)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_sound.values())

    def fix(self, text: str) -> str:
        """``text`` with each homophone slip read as the word it sounds like (unchanged when there is none)."""
        return _HAN_RUN.sub(lambda m: self._fix_run(m.group(0)), text)

    def _fix_run(self, run: str) -> str:
        sound = _sound(run)
        if len(sound) != len(run):  # a character without a reading: leave the run alone
            return run
        pieces = self._segment(run)
        if "".join(pieces) != run:
            return run
        bounds = {0}
        loose: list[bool] = []  # per character: its piece is a single character or no word
        for piece in pieces:
            is_loose = len(piece) == 1 or not self._is_word(piece)
            start = len(loose)
            loose.extend([is_loose] * len(piece))
            bounds.add(len(loose))
            if is_loose:  # jieba's guess at an unknown stretch ("要通|迅录") may cut a slip in two
                bounds.update(range(start + 1, len(loose)))
        out: list[str] = []
        i = 0
        while i < len(run):
            found = self._slip_at(run, sound, i, bounds, loose) if i in bounds else None
            if found is None:
                out.append(run[i])
                i += 1
            else:
                out.append(found)
                i += len(found)
        return "".join(out)

    def _slip_at(self, run: str, sound: tuple[str, ...], i: int, bounds: set[int], loose: list[bool]) -> str | None:
        for size in range(min(LONGEST, len(run) - i), 1, -1):
            end = i + size
            if end not in bounds:
                continue
            stretch = run[i:end]
            if self._is_word(stretch):
                return None  # a real word starts here
            if not any(loose[i:end]):
                continue  # made of words alone: a phrase, not a slip
            near = [w for w in self._by_sound.get(sound[i:end], ()) if _one_slip(stretch, w)]
            if len(near) == 1:
                return near[0]
            if near:
                return None  # two words sound like it: no guess
        return None
