"""The offline composer: quote the few sentences of the top sources that best answer the question."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator

from bot.types import Composed, Source
from ingest.splitter import split_sentences

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _bigrams(text: str) -> set[str]:
    text = _PUNCT.sub("", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


class ExtractiveComposer:
    """Picks sentences by relevance to the question with redundancy control; cites each as [n].

    ``tokens`` segments text into keyword tokens; ``idf`` weights a token (rare words count more).
    """

    def __init__(
        self, tokens: Callable[[str], list[str]], idf: Callable[[str], float], answer_chars: int = 200,
        max_sources: int = 3,
    ) -> None:
        self._tokens = tokens
        self._idf = idf
        self.answer_chars = answer_chars
        self.max_sources = max_sources

    def _relevance(self, q_tokens: set[str], q_grams: set[str], sentence: str, grams: frozenset[str]) -> float:
        s_tokens = set(self._tokens(sentence))
        total = sum(self._idf(t) for t in q_tokens) or 1.0
        lexical = sum(self._idf(t) for t in q_tokens & s_tokens) / total
        char = len(q_grams & grams) / (len(q_grams) or 1)
        return lexical + 0.5 * char

    def compose(self, question: str, sources: list[Source], history: object = None, level: str = "大众") -> Composed:
        q_tokens = set(self._tokens(question))
        q_grams = _bigrams(question)
        candidates: list[tuple[float, int, int, str, frozenset[str]]] = []  # score, rank, position, sentence, grams
        for rank, src in enumerate(sources[: self.max_sources]):
            prior = 0.35 / (1 + rank) + 0.15 * src.score / (sources[0].score or 1.0)
            for pos, sentence in enumerate(split_sentences(src.chunk.text)):
                if len(_PUNCT.sub("", sentence)) < 4:
                    continue
                grams = frozenset(_bigrams(sentence))
                rel = self._relevance(q_tokens, q_grams, sentence, grams)
                candidates.append((rel + prior - 0.002 * math.log1p(len(sentence)), rank, pos, sentence, grams))
        chosen: list[tuple[float, int, int, str, frozenset[str]]] = []
        used = 0
        pool = sorted(candidates, key=lambda c: -c[0])

        def mmr(c: tuple[float, int, int, str, frozenset[str]]) -> float:
            overlap = max((len(c[4] & x[4]) / (len(c[4]) or 1) for x in chosen), default=0.0)
            return c[0] - 0.8 * overlap

        while pool and used < self.answer_chars:
            best = max(pool, key=mmr)
            pool.remove(best)
            if chosen and mmr(best) < 0.25 * chosen[0][0]:
                break
            if chosen and used + len(best[3]) > self.answer_chars * 1.25:
                continue
            chosen.append(best)
            used += len(best[3])
        chosen.sort(key=lambda c: (c[1], c[2]))
        parts: list[str] = []
        highlights: dict[int, list[str]] = {}
        for i, (_, rank, _, sentence, _) in enumerate(chosen):
            number = sources[rank].number
            highlights.setdefault(number, []).append(sentence)
            last_of_source = i + 1 == len(chosen) or chosen[i + 1][1] != rank
            parts.append(sentence + (f"[{number}]" if last_of_source else ""))
        return Composed("".join(parts), sorted(highlights), highlights)

    def stream(self, question: str, sources: list[Source], history: object = None,
               level: str = "大众") -> Iterator[str | Composed]:
        composed = self.compose(question, sources, history, level)
        yield composed.text
        yield composed
