"""Is a retrieved article about the question's main entity: do its title, keywords and headings name it?"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.engine.question_kind import is_content_word

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Words of how a thing is said, not what it is about ("这样对吗", "更要当心").
_NOT_ENTITIES = {"这样", "那样", "这么", "那么", "怎样", "更要", "一点", "一下", "这种", "那种", "这个", "那个", "平时",
                 "现在", "今天", "明天", "昨天", "时候", "东西", "事情", "问题", "意思", "说法", "好多", "一些"}


def entity_words(question_tokens: Iterable[str], idf: Callable[[str], float], seen: str,
                 limit: int = 4) -> dict[str, float]:
    """The question's weightiest content words that the candidate texts ``seen`` contain (a typo or a word
    no candidate has says nothing about which one is meant), rarest first, weighted by idf."""
    words = {t for t in question_tokens if is_content_word(t) and t not in _NOT_ENTITIES and t in seen
             and (len(t) >= 2 or _HAN.fullmatch(t))}  # one character can be the thing itself: 雷, 醋, 盐
    whole = [w for w in words if not any(w != other and w in other for other in words)]
    ranked = sorted(whole, key=lambda w: (-idf(w), w))[:limit]
    return {w: idf(w) for w in ranked}


def aboutness(meta: str, entity: dict[str, float]) -> float:
    """The share of the entity's weight that an article's title, keywords and headings (``meta``) name."""
    total = sum(entity.values())
    if not total:
        return 0.0
    return sum(w for word, w in entity.items() if word in meta) / total


def names_main(meta: str, entity: dict[str, float]) -> bool:
    """Does ``meta`` name the question's single weightiest word?"""
    return bool(entity) and next(iter(entity)) in meta
