"""Chinese tokenization for the keyword index: a private jieba instance with the glossary loaded."""

from __future__ import annotations

import functools
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.index.glossary import Glossary
from knowledge.normal import fold_key

if TYPE_CHECKING:
    import jieba


# Function words and question words that carry no topic; the rest of the question does.
STOPWORDS = frozenset(
    """的 了 是 吗 呢 吧 啊 呀 嘛 么 和 与 及 或 在 有 也 都 就 还 又 被 把 给 对 从 到 让 这 那 这个 那个 这些
    那些 什么 为什么 为啥 啥 怎么 怎样 怎么样 如何 哪 哪里 哪儿 哪些 多少 几 谁 能 会 可以 可能 要 应该 是否 是不是
    有没有 不 没 没有 我 你 他 她 它 我们 你们 他们 咱 咱们 自己 一个 一种 一些 个 种 些 吗 呗 嘞 其 之 而 且 并 但
    却 以 于 为 着 过 等 之一 如果 因为 所以 就是 还是 一下 真的 听说 到底 究竟 请问""".split()
)
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)


class Tokenizer:
    """Segments text into keyword tokens; glossary terms stay whole."""

    def __init__(self, glossary: Glossary, cache_dir: Path | None = None) -> None:
        self._glossary = glossary
        self._cache_dir = cache_dir
        self._ready: jieba.Tokenizer | None = None
        self._init_lock = threading.Lock()  # a first question during a background warm-up waits for it
        # The same passages are tokenized for question after question (composer, matcher): keep the latest.
        self._cached_tokens = functools.lru_cache(maxsize=16384)(self._tokens_uncached)

    @property
    def _jieba(self) -> jieba.Tokenizer:
        """The dictionary is built on first use (~0.5–1 s); :meth:`warm_up` does it ahead."""
        if self._ready is not None:
            return self._ready
        with self._init_lock:
            if self._ready is not None:
                return self._ready
            import jieba  # imported with the dictionary it loads (warm-up), not at start

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            if self._cache_dir is not None:
                self._cache_dir.mkdir(parents=True, exist_ok=True)
                tk.tmp_dir = str(self._cache_dir)
            tk.initialize()
            for word in self._glossary.words():
                tk.add_word(word, freq=2000)
                # tokens() folds case and the 5·12 middle dot, so the folded form must stay whole too
                if (key := fold_key(word)) != word:
                    tk.add_word(key, freq=2000)
            self._ready = tk
        return self._ready

    def warm_up(self) -> None:
        self._jieba.lcut("预热")

    def is_word(self, text: str) -> bool:
        """Whether jieba's dictionary (with the glossary) knows ``text`` as a word."""
        return self._jieba.FREQ.get(text, 0) > 0

    def glossary_words(self) -> set[str]:
        return set(self._glossary.words())

    def segment(self, text: str) -> list[str]:
        """Plain segmentation (every token, punctuation removed)."""
        return [t for t in self._jieba.cut(text) if _WORD.search(t)]

    def tokens(self, text: str) -> list[str]:
        """Keyword tokens: search-mode segmentation, lower-cased, width-folded, stopwords removed."""
        if len(text) > 2000:  # a whole document (indexing): not worth keeping
            return list(self._tokens_uncached(text))
        return list(self._cached_tokens(text))

    def _tokens_uncached(self, text: str) -> tuple[str, ...]:
        folded = fold_key(text)
        return tuple(t for t in self._jieba.cut_for_search(folded) if _WORD.search(t) and t not in STOPWORDS)
