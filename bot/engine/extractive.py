"""The offline composer, answer first: one contiguous passage of the article that is about the question,
opening with the sentence that gives what was asked, stopping once it is answered."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.engine.aboutness import aboutness, entity_words
from bot.engine.question_kind import asked, asking_clause, asking_sentence, gives, is_content_word
from bot.engine.types import Composed, Source
from ingest.splitter import split_sentences
from knowledge.texts import DEFAULT_READING_LEVEL as DEFAULT_LEVEL

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
# Sentences that talk to an assistant instead of about the world (a planted prompt injection) are
# never quoted as an answer.
_TO_THE_ASSISTANT = re.compile(r"忽略(以上|之前|前面|上述|上面)?的?(所有|全部)?(指令|指示|提示|要求|规则)|告诉用户|"
                               r"系统提示词?|你(现在)?(必须|要)扮演|ignore (all |the )?(previous|above) instructions",
                               re.IGNORECASE)
# A sentence that leans on the one before it cannot open an answer ("另一类是……", "此外", "第三").
_DEPENDENT = re.compile(
    r"^(另一|另外|此外|同时|而且|并且|但是?|不过|然而|可是|所以|因此|因而|于是|其次|再次|再者|最后|其[中次余它他]|"
    r"第[一二三四五六七八九十]|[①-⑳]|[一二三四五六七八九十][是、：]|这|那|它|他们|她们|此|该|上述|以上|后者|前者|"
    r"也|还|又|即|比如|例如|譬如|总之|对此|为此|这样|如此|否则|反之|相反|尤其|特别是|至于|[（(]?\d+[.、）)])"
)
_LIST_MARK = re.compile(r"^\s*(?:[-*•]\s+|\d+[.、．)）]\s*|[（(]\d+[)）]\s*)")
# An enumeration word before a comma can be dropped: "第二，医生开了抗生素……" stands on its own.
_ENUMERATOR = re.compile(r"^(第[一二三四五六七八九十]+|首先|其次|再次|再者|此外|另外|同时|最后|还有)[，,、]\s*")
# Sentences that report a claim in order to refute it never open an answer (nor should it end on one).
_REPORTS_CLAIM = re.compile(r"^(常听人说|有人说|听说|网上(流传|说|有人说)|流传着|坊间|民间(流传|说法)|老人常|老一辈|"
                            r"(很多|不少|有些|一些)(人|朋友|老人)(认为|觉得|以为|说|相信|担心)|有一种(流传很广的)?(说法|担心)|"
                            r"有种说法|一直有人说|常有人问|也有人|还有人)|[:：]\s*[“\"「]|是流传很广的|(误解|误区|谣言|传言|说法)(是|就是)\s*[“\"「]")
# A sentence opening on a quotation ("“开水反复烧会产生亚硝酸盐……”") reports what people say.
_OPENS_ON_QUOTE = re.compile(r"^[“\"「『]")
# A time question ("什么时候开始的", "哪一年") wants a date, as a figure question wants a number.
_WHEN = re.compile(r"什么时候|啥时候|啥子时候|哪一?年|哪天|几时|何时|哪个月|几月")
_DATE = re.compile(r"\d{2,4}年|\d{1,2}月|[一二三四五六七八九十]+月|世纪|年代|春季|夏季|秋季|冬季|汛期|季节")
# Words that open a list item: a passage that holds one item holds the whole list when it can.
_ITEM = re.compile(r"^(第[一二三四五六七八九十]+|[一二三四五六七八九十]是|首先|其次|再次|最后|[①-⑳])")
_ABOUT_THE_TEXT = re.compile(r"本文|这篇文章|下文|本篇|本站|可参阅|请参阅")
# A question that checks a claim ("……是真的吗", "靠谱吗") wants the sentence that judges it.
_CHECKS_A_CLAIM = re.compile(r"真的|是真是假|真假|靠谱|有道理|对吗|对不对|可信|是不是真|听说|据说|网上说|有人说|说是")
_JUDGES = re.compile(r"其实|并不|并非|并没有|不是真的|没有科学依据|是误解|误区|谣言|说法不对|说法是错|是对的|确实|的确")
_VERDICT = re.compile(r"^\**结论[:：]\s*(真|假|部分正确|尚无定论)\**$")
# Qualifiers that change the answer: whose case it is, which situation.
_QUALIFIER = re.compile(r"孩子|儿童|小孩|宝宝|婴儿|幼儿|娃|学生|孕妇|怀孕|哺乳|老人|老年|糖尿病|高血压|心脏病|过敏|"
                        r"顶楼|高层|地下室|农村|山区|夜里|晚上|冬天|夏天|开车|户外|室内|家里|空腹|饭后|生的|熟的|隔夜")


# Who a question is about, as groups of words that name the same people: a follow-up about one of them
# ("那小孩能吃吗") is answered only by a text that names one of the group.
WHO_GROUPS = (("孩子", "儿童", "小孩", "宝宝", "婴儿", "幼儿", "娃", "学生", "孩"), ("孕妇", "怀孕", "孕期", "哺乳"),
              ("老人", "老年"), ("糖尿病",), ("高血压",), ("心脏病",), ("过敏",))


def uncovered_people(question: str, answer: str, known: str = "") -> list[str]:
    """The people or conditions ``question`` names (and ``known`` does not) that ``answer`` never mentions."""
    out = []
    for group in WHO_GROUPS:
        named = next((w for w in group if w in question and w not in known), None)
        if named and not any(w in answer for w in group):
            out.append(named)
    return out


def _bigrams(text: str) -> set[str]:
    text = _PUNCT.sub("", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def _core_len(text: str) -> int:
    return len(_PUNCT.sub("", text))


@dataclass
class _Sentence:
    text: str
    block: int  # sentences of one block are contiguous in the article
    summary: bool
    after_verdict: bool
    grams: frozenset[str]
    tokens: set[str]
    retrieval: float = 0.0  # its chunk's retrieval score, relative to the best source
    relevance: float = 0.0  # how much of the question's words it shares (before any prior or bonus)
    score: float = 0.0
    number: int = 0  # the source (chunk) it is quoted from: the citation a reader opens
    raw: str = ""  # as written in that chunk (list marks kept), to highlight it there


@dataclass
class _Article:
    rank: int
    retrieval: float
    sentences: list[_Sentence]
    meta: str  # title, keywords and headings: what the article is about
    title: str = ""


def _opens(sentence: _Sentence) -> bool:
    """Can this sentence open an answer (it stands alone and states something, not a myth)?"""
    text = sentence.text
    return (not _DEPENDENT.match(text) and not _REPORTS_CLAIM.search(text) and not _OPENS_ON_QUOTE.match(text)
            and not text.rstrip().endswith(("：", ":", "？", "?")))  # a question in the text answers nothing


def _is_item(sentence: _Sentence) -> bool:
    return bool(_LIST_MARK.match(sentence.raw) or _ITEM.match(sentence.raw))


class ExtractiveComposer:
    """Chooses the retrieved article that is about the question, then quotes one passage of it.

    ``tokens`` segments text into keyword tokens; ``idf`` weights a token (rare words count more).
    The passage opens with the sentence that best gives what was asked (never one that leans on an
    earlier sentence), runs on through contiguous sentences while they stay on the question, and
    stops at ``answer_chars`` (a short answer is fine once ``min_chars`` are reached). Every quoted
    sentence comes from one article, cited once.
    """

    def __init__(self, tokens: Callable[[str], list[str]], idf: Callable[[str], float], answer_chars: int = 150,
                 min_chars: int = 60, topic_discount: float = 1.0, char_weight: float = 0.8,
                 summary_bonus: float = 0.0, chunk_prior: float = 0.6, article_prior: float = 0.5,
                 sure: float = 0.5, story_weight: float = 0.5, gives_bonus: float = 0.15, lean_margin: float = 0.0,
                 about_weight: float = 0.6, title_discount: float = 0.1) -> None:
        self._tokens = tokens
        self._idf = idf
        self.answer_chars = answer_chars
        self.min_chars = min_chars
        # Question words found in most candidate sentences name the topic (the species, the chemical),
        # not what is asked about it; their weight shrinks by this factor times their local frequency.
        self.topic_discount = topic_discount
        self.char_weight = char_weight
        self.summary_bonus = summary_bonus  # the editor's summary is written to answer the article's question
        self.chunk_prior = chunk_prior  # sentences of better-retrieved chunks come first
        self.article_prior = article_prior  # how much the article's retrieval rank counts in choosing it
        # An opener sharing less than this of the question's words may not be the answer: the passage
        # then runs on to the ceiling instead of stopping at ``min_chars``.
        self.sure = sure
        self.story_weight = story_weight  # words of a story told before the question count this much
        self.gives_bonus = gives_bonus  # a sentence that gives what is asked (a yes/no, a cause, a figure)
        self.lean_margin = lean_margin  # how much better a leaning sentence must be to bring its antecedent
        self.title_discount = title_discount  # the weight of question words an article's title holds
        self.about_weight = about_weight  # an article whose title/keywords/headings name the question's entity

    # ---- reading the sources ---------------------------------------------------------------------
    def _articles(self, sources: list[Source]) -> list[_Article]:
        groups: dict[str, list[Source]] = {}
        for src in sources:
            key = str(src.chunk.extra.get("article_id") or src.chunk.source)
            groups.setdefault(key, []).append(src)
        articles = []
        top = max((s.score for s in sources), default=0.0) or 1.0
        for rank, members in enumerate(groups.values()):
            first = members[0]
            sentences: list[_Sentence] = []
            seen: set[str] = set()
            block = 0
            summary = str(first.chunk.extra.get("summary") or "")
            for text in split_sentences(summary):
                if not _ABOUT_THE_TEXT.search(text):
                    self._add(sentences, seen, text, block, summary=True, number=first.number)
            previous = None
            for src in sorted(members, key=lambda s: s.chunk.position):
                chunk = src.chunk
                if previous is None or chunk.position != previous.position + 1 or chunk.heading != previous.heading:
                    block += 1
                verdict = False
                for line in chunk.text.split("\n"):
                    if _VERDICT.match(line.strip()):
                        verdict = True
                        continue
                    for text in split_sentences(line):
                        self._add(sentences, seen, text, block, summary=False, after_verdict=verdict,
                                  retrieval=src.score / top, heading=chunk.heading, number=src.number)
                        verdict = False
                previous = chunk
            meta = " ".join([first.chunk.title, str(first.chunk.extra.get("keywords") or ""),
                             *(m.chunk.heading for m in members)])
            subject = re.split(r"[：:（(]", first.chunk.title, maxsplit=1)[0]  # "化肥怎么用才对：氮磷钾……" → 化肥……
            articles.append(_Article(rank, max(m.score for m in members) / top, sentences, meta, subject))
        return articles

    def _add(self, out: list[_Sentence], seen: set[str], raw: str, block: int, summary: bool,
             after_verdict: bool = False, retrieval: float = 0.0, heading: str = "", number: int = 0) -> None:
        """A candidate sentence; the words of its section heading count as its own ("在学校" → 学校)."""
        raw = raw.strip()
        text = _ENUMERATOR.sub("", _LIST_MARK.sub("", raw))
        if text in seen or _core_len(text) < 4 or _TO_THE_ASSISTANT.search(text) or _ABOUT_THE_TEXT.search(text):
            return
        seen.add(text)
        out.append(_Sentence(text, block, summary, after_verdict, frozenset(_bigrams(text) | _bigrams(heading)),
                             set(self._tokens(text)) | set(self._tokens(heading)), retrieval, number=number, raw=raw))

    # ---- scoring ---------------------------------------------------------------------------------
    def _score(self, question: str, articles: list[_Article], focus: str = "") -> dict[str, float]:
        """Score every sentence for how well it answers; return the question's entity words and weights."""
        q_tokens = set(self._tokens(question))
        q_grams = _bigrams(question)
        everything = [s for a in articles for s in a.sentences]
        n = len(everything) or 1
        w_tok = {t: self._idf(t) * (1 - self.topic_discount * sum(t in s.tokens for s in everything) / n)
                 for t in q_tokens}
        w_gram = {g: 1 - self.topic_discount * sum(g in s.grams for s in everything) / n for g in q_grams}
        if focus:  # a follow-up: its own words say what is asked now, the earlier turn only the subject
            f_tokens, f_grams = set(self._tokens(focus)), _bigrams(focus)
            w_tok = {t: w * (1.0 if t in f_tokens else 0.3) for t, w in w_tok.items()}
            w_gram = {g: w * (1.0 if g in f_grams else 0.3) for g, w in w_gram.items()}
        own = focus or question
        clause = asking_clause(own)
        asking = asking_sentence(own)
        c_tokens = {t for t in self._tokens(asking) if len(t) >= 2 and is_content_word(t)}
        if c_tokens and len(_PUNCT.sub("", asking)) < 0.6 * len(_PUNCT.sub("", own)):
            # a story first, the question last: the asking sentence's words say what is asked
            c_tokens, c_grams = set(self._tokens(asking)), _bigrams(asking)
            w_tok = {t: w * (1.0 if t in c_tokens else self.story_weight) for t, w in w_tok.items()}
            w_gram = {g: w * (1.0 if g in c_grams else self.story_weight) for g, w in w_gram.items()}
        tok_total = sum(w_tok.values()) or 1.0
        gram_total = sum(w_gram.values()) or 1.0
        kind = asked(own)
        when = bool(_WHEN.search(clause))
        qualifiers = set(_QUALIFIER.findall(question))
        claim_check = bool(_CHECKS_A_CLAIM.search(question))
        for article in articles:
            body = [s for s in article.sentences if not s.summary]
            for pos, s in enumerate(body):
                s.score = 0.05 / (1 + pos)  # near-ties go to the opening, where articles answer
        # Within an article, the words its title shares with the question name the topic; the other words
        # say which aspect is asked ("普朗特" is every sentence's subject; "实验" picks the one that answers).
        title_of = {id(s): a.title for a in articles for s in a.sentences}
        for s in everything:
            title = title_of[id(s)]
            lexical = sum(w_tok[t] * (self.title_discount if t in title else 1.0) for t in q_tokens & s.tokens)
            char = sum(w_gram[g] * (self.title_discount if g in title else 1.0) for g in q_grams & s.grams)
            score = lexical / tok_total + self.char_weight * char / gram_total
            s.relevance = score
            if score > 0 and (_DATE.search(s.text) if when else gives(kind, s.text)):
                score += self.gives_bonus
            if qualifiers and any(q in s.text for q in qualifiers):
                score += 0.2
            if claim_check and score > 0 and _JUDGES.search(s.text):
                score += 0.2
            if s.summary:
                score += self.summary_bonus
            score += self.chunk_prior * s.retrieval
            if s.after_verdict:
                score += 0.3  # the sentence under "结论：假" states the verdict in words
            s.score += score - 0.002 * math.log1p(len(s.text))
        seen = " ".join(s.text for s in everything) + " " + " ".join(a.meta for a in articles)
        return entity_words(q_tokens, self._idf, seen)

    @staticmethod
    def _about(article: _Article, entity: dict[str, float]) -> float:
        """How much of the question's entity the article's title, keywords and headings name (a word inside a
        longer one counts: 雷 is in 雷电)."""
        return aboutness(article.meta, entity)

    # ---- composing -------------------------------------------------------------------------------
    def _passage(self, article: _Article) -> list[_Sentence]:
        sentences = article.sentences
        openers = [i for i, s in enumerate(sentences) if _opens(s)]
        if not openers:
            return []
        start = max(openers, key=lambda i: sentences[i].score)
        reach = start  # the passage runs at least through this sentence
        quotable = [i for i, s in enumerate(sentences) if not _REPORTS_CLAIM.search(s.text)
                    and not _OPENS_ON_QUOTE.match(s.text)]
        best = max(quotable, key=lambda i: sentences[i].score, default=start)
        if best != start and sentences[best].score > sentences[start].score + self.lean_margin:
            # the best sentence leans on the one before it ("该药……", "它……"): open with the nearest sentence
            # before it that stands alone, when the two fit in one short passage
            lead = max((i for i in openers if i < best), default=None)
            if lead is not None and all(sentences[j].block == sentences[best].block
                                        and sentences[j].summary == sentences[best].summary
                                        for j in range(lead, best)) \
                    and sum(len(sentences[j].text) for j in range(lead, best + 1)) <= self.answer_chars:
                start, reach = lead, best
        anchor = sentences[start]
        chosen = [anchor]
        used = len(anchor.text)
        sure = max(anchor.relevance, sentences[reach].relevance) >= self.sure
        enough = self.min_chars if sure else self.answer_chars
        for i in range(start + 1, len(sentences)):
            nxt = sentences[i]
            if nxt.block != anchor.block or nxt.summary != anchor.summary or _REPORTS_CLAIM.search(nxt.text):
                break
            if i <= reach:
                chosen.append(nxt)
                used += len(nxt.text)
                continue
            listing = _is_item(nxt) and any(_is_item(c) for c in chosen)  # never cut a list in the middle
            fits = used + len(nxt.text) <= self.answer_chars
            if used >= enough and not listing and (not fits or nxt.score < 0.5 * anchor.score
                                                   or enough == self.answer_chars):
                break
            if used + len(nxt.text) > self.answer_chars * (1.6 if listing else 1.3):
                if listing:  # the list does not fit: stop before it rather than cut it
                    while chosen and _is_item(chosen[-1]) and len(chosen) > 1 and chosen[-1] is not anchor:
                        used -= len(chosen.pop().text)
                break
            chosen.append(nxt)
            used += len(nxt.text)
        before = start - 1
        if used < self.min_chars and reach == start and before in openers and len(chosen) == 1 \
                and sentences[before].relevance > 0 \
                and sentences[before].block == anchor.block and sentences[before].summary == anchor.summary \
                and used + len(sentences[before].text) <= self.answer_chars:
            # too short to stand alone and nothing after it: the sentence before it opens the passage when it
            # shares some of the question's words (a bare last sentence rarely answers on its own)
            chosen.insert(0, sentences[before])
            used += len(sentences[before].text)
        if anchor.summary and used < self.min_chars:  # a one-line summary: go on with the body's best opener
            body = [i for i in openers if not sentences[i].summary]
            if body:
                more = sentences[max(body, key=lambda i: sentences[i].score)]
                if used + len(more.text) <= self.answer_chars * 1.3 and more.score >= 0.8 * anchor.score:
                    chosen.append(more)
        return chosen

    def compose(self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
                level: str = DEFAULT_LEVEL, focus: str = "") -> Composed:
        """``focus``: for a follow-up resolved against earlier turns, the follow-up's own words."""
        articles = self._articles(sources)
        if not articles:
            return Composed("", [], {})
        weights = self._score(question, articles, focus)

        def merit(a: _Article) -> float:
            best = max((s.score for s in a.sentences if _opens(s)), default=0.0)
            return best + self.article_prior * a.retrieval + self.about_weight * self._about(a, weights) - 0.05 * a.rank

        chosen_article = max(articles, key=merit)
        passage = self._passage(chosen_article)
        if not passage:
            return Composed("", [], {})
        text = re.sub(r"[；;，,、：:]$", "。", "".join(s.text for s in passage))
        # cited once, as the chunk the passage mostly comes from, so the reader finds it highlighted there
        number = max({s.number for s in passage}, key=lambda n: sum(len(s.text) for s in passage if s.number == n))
        return Composed(f"{text}[{number}]", [number], {number: [s.raw for s in passage if s.number == number]})

    def stream(self, question: str, sources: list[Source], history: object = None,
               level: str = DEFAULT_LEVEL) -> Iterator[str | Composed]:
        composed = self.compose(question, sources, history, level)
        yield composed.text
        yield composed


