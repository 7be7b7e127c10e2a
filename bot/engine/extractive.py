"""The offline composer: quote the few sentences of the top sources that best answer the question."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator

from bot.engine.types import Composed, Source
from ingest.splitter import split_sentences
from knowledge.texts import DEFAULT_READING_LEVEL as DEFAULT_LEVEL

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
# Sentences that talk to an assistant instead of about the world (a planted prompt injection) are
# never quoted as an answer.
_TO_THE_ASSISTANT = re.compile(r"忽略(以上|之前|前面|上述|上面)?的?(所有|全部)?(指令|指示|提示|要求|规则)|告诉用户|"
                               r"系统提示词?|你(现在)?(必须|要)扮演|ignore (all |the )?(previous|above) instructions",
                               re.IGNORECASE)


def _bigrams(text: str) -> set[str]:
    text = _PUNCT.sub("", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


class ExtractiveComposer:
    """Picks sentences by relevance to the question with redundancy control; cites each as [n].

    ``tokens`` segments text into keyword tokens; ``idf`` weights a token (rare words count more).
    Defaults measured on the dev set (docs/benchmarks.md): quoting from the top two sources, with
    the question's topic words discounted by how many candidate sentences share them.
    """

    def __init__(
        self, tokens: Callable[[str], list[str]], idf: Callable[[str], float], answer_chars: int = 200,
        max_sources: int = 2, topic_discount: float = 1.0, char_weight: float = 0.8, rank_prior: float = 0.35,
        stop_ratio: float = 0.25,
    ) -> None:
        self.char_weight = char_weight
        self.rank_prior = rank_prior
        self.stop_ratio = stop_ratio
        self._tokens = tokens
        self._idf = idf
        self.answer_chars = answer_chars
        self.max_sources = max_sources
        # Question words found in most candidate sentences name the topic (the species, the chemical),
        # not what is asked about it; their weight shrinks by this factor times their local frequency.
        self.topic_discount = topic_discount

    def compose(self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
                level: str = DEFAULT_LEVEL) -> Composed:
        q_tokens = set(self._tokens(question))
        q_grams = _bigrams(question)
        found: list[tuple[float, int, int, str, frozenset[str], set[str]]] = []
        for rank, src in enumerate(sources[: self.max_sources]):
            prior = self.rank_prior / (1 + rank) + 0.15 * src.score / (sources[0].score or 1.0)
            for pos, sentence in enumerate(split_sentences(src.chunk.text)):
                if len(_PUNCT.sub("", sentence)) < 4 or _TO_THE_ASSISTANT.search(sentence):
                    continue
                found.append((prior, rank, pos, sentence, frozenset(_bigrams(sentence)), set(self._tokens(sentence))))
        n = len(found) or 1
        token_df = {t: sum(1 for f in found if t in f[5]) / n for t in q_tokens}
        gram_df = {g: sum(1 for f in found if g in f[4]) / n for g in q_grams}
        w_tok = {t: self._idf(t) * (1 - self.topic_discount * token_df[t]) for t in q_tokens}
        w_gram = {g: 1 - self.topic_discount * gram_df[g] for g in q_grams}
        tok_total = sum(w_tok.values()) or 1.0
        gram_total = sum(w_gram.values()) or 1.0
        candidates: list[tuple[float, int, int, str, frozenset[str]]] = []  # score, rank, position, sentence, grams
        for prior, rank, pos, sentence, grams, s_tokens in found:
            lexical = sum(w_tok[t] for t in q_tokens & s_tokens) / tok_total
            char = sum(w_gram[g] for g in q_grams & grams) / gram_total
            rel = lexical + self.char_weight * char
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
            if chosen and mmr(best) < self.stop_ratio * chosen[0][0]:
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
               level: str = DEFAULT_LEVEL) -> Iterator[str | Composed]:
        composed = self.compose(question, sources, history, level)
        yield composed.text
        yield composed
