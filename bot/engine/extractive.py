"""The offline composer, answer first: one contiguous passage of the article that is about the question,
opening with the sentence that gives what was asked, stopping once it is answered."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.engine.aboutness import aboutness, entity_words
from bot.engine.question_kind import FORM_CHARS, Asks, asked, asking_clause, asking_sentence, gives, is_content_word
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
# Sentences that talk to a child reader ("请大人帮你涂药", "要马上告诉大人") are not quoted to an adult.
_TO_A_CHILD = re.compile(r"(请|让|找)?(大人|爸爸妈妈|爸爸或妈妈|家长|老师)(帮|陪|带)(你|着你)|"
                         r"告诉(大人|爸爸妈妈|家长|老师)|小朋友|小读者|你们(班|学校)")
CHILD_LEVEL = "少儿"
# A title segment that is itself a question ("核电站安全吗"): the article's lead and summary answer it.
_TITLE_ASKS = re.compile(r"[吗？?]|为什么|为啥|怎么|怎样|如何|多少|多久|能不能|会不会|是不是|要不要|"
                         r"管不管用|有没有")
# A later title segment that asks or rules ("绿植管不管用", "飞行中不能用"), not one naming a part ("两系法").
_TITLE_SAYS = re.compile(_TITLE_ASKS.pattern + r"|不能|不要|不宜|能|可以|要|该|别")
# A short label before a colon ("需要特别注意：这些参考值……"): what follows must stand alone too.
_LABEL = re.compile(r"^[^，,。：:]{1,8}[：:]\s*")
_TITLE_BREAK = re.compile(r"[：:，,、；;？?（）()“”]+")
# What a passage says of a claim: refutes it, or confirms it (words a text confirming a danger or a fact uses).
_REFUTES = re.compile(r"其实|并不|并非|并没有|不是真的|没有科学依据|是误解|误区|谣言|说法不对|说法是错|是错的|不可信|"
                      r"夸大|站不住|没有(用|效果|作用|根据|证据)|不会|不能|无法|没必要|不必")
_CONFIRMS = re.compile(r"确实|的确|是真的|属实|没错|会(释放|放出|产生|生成|引起|导致|增加|损伤|危及)|"
                       r"(释放|放出|生成)(出)?(有毒|毒|氯)|有毒|致癌物|致癌|危险|重要原因|容易(起火|着火|引发|引起|导致)|热失控|可以致命|危及生命")
# A claim that carries its own negation ("不能用嘴吸毒是真的吗") is judged as it was before: a plain 是/不是 opener
# would have to untangle a double negative.
_NEGATED_CLAIM = re.compile(r"不(?!是|会|能|要|对|管|靠)|没(?!有没)|别|无")
_WILL = re.compile(r"会不会|会[^，,。？?]{0,12}(吗|嘛|不)[\s?？!！。]*$|容易[^，,。？?]{0,12}(吗|嘛|不)[\s?？!！。]*$")
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
    continues: bool = False  # the rest of a sentence cut at "；" ("……发苦；用发霉原料榨出来的土法花生油。")


@dataclass
class _Article:
    rank: int
    retrieval: float
    sentences: list[_Sentence]
    meta: str  # title, keywords and headings: what the article is about
    title: str = ""
    for_children: bool = False  # written for children (audience 少儿)
    aspects: tuple[str, ...] = ()  # the title's other segments: the questions the article answers


def _opens(sentence: _Sentence) -> bool:
    """Can this sentence open an answer (it stands alone and states something, not a myth)?"""
    text = sentence.text
    return (not sentence.continues and not _DEPENDENT.match(text) and not _DEPENDENT.match(_LABEL.sub("", text))
            and not _REPORTS_CLAIM.search(text)
            and not _OPENS_ON_QUOTE.match(text)
            and not text.rstrip().endswith(("：", ":", "？", "?")))  # a question in the text answers nothing


def _for_adults(sentence: str) -> str:
    """A sentence of a children's article without its clauses that talk to the child ("或者请大人帮你涂止痒的药");
    empty when nothing else is left."""
    if not _TO_A_CHILD.search(sentence):
        return sentence
    clauses = re.split(r"(?<=[，,；;])", sentence)
    kept = [c for c in clauses if not _TO_A_CHILD.search(c)]
    if not kept or (len(kept) == 1 and kept[-1] is not clauses[-1]):  # a lone condition ("包肿得特别大，") says nothing
        return ""
    text = "".join(kept).rstrip("，,；; ")
    return text + ("" if text.endswith(("。", "！", "？")) else "。")


def _content_chars(text: str) -> set[str]:
    """The characters of ``text`` that say what it is about (not how it asks)."""
    return {ch for ch in _PUNCT.sub("", text) if ch not in FORM_CHARS}


_CLAIM_TAIL = re.compile(r"(是真的|真的|还是|是不是|不是|到底)*(吓唬人|骗人|忽悠人|谣言|假的|乱说)|"
                         r"这个说法|这说法|这种说法|是真是假|真的假的|是真的吗|是不是真的|真的吗|真的不|靠谱不|靠不靠谱|靠谱吗|有道理吗|对不对|对吗|"
                         r"可信吗|真有这么\w{0,4}吗|有这么\w{0,4}吗|听说|据说|网上说|有人说|说是|我妈说|我爸说")
_A_NOT_A_FORM = re.compile(r"([^\W\d_])不\1|(吗|嘛|不|没)[\s?？!！。]*$")


def _claim_of(question: str) -> str:
    """The claim a question checks, without the checking words and A-not-A forms ("会不会")."""
    text = _CLAIM_TAIL.sub("", question)
    return _A_NOT_A_FORM.sub("", text).strip()


def _asks_claim(question: str) -> bool:
    """Does the question check a claim ("……是真的吗") or ask whether something will happen ("会不会着火")?"""
    return bool(_CHECKS_A_CLAIM.search(question) or _WILL.search(asking_clause(question)))


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
                 about_weight: float = 0.6, title_discount: float = 0.1, aspect_match: float = 0.5,
                 aspect_bonus: float = 0.5, child_penalty: float = 0.35, claim_relevance: float = 0.4) -> None:
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
        self.aspect_match = aspect_match  # the share of a title segment's words a question must name to ask it
        self.aspect_bonus = aspect_bonus  # for the sentences that answer the title segment the question asks
        self.child_penalty = child_penalty  # an article written for children, for an adult's question
        self.claim_relevance = claim_relevance  # a sentence naming this share of the claim can judge it

    # ---- reading the sources ---------------------------------------------------------------------
    def _articles(self, sources: list[Source], level: str = DEFAULT_LEVEL) -> list[_Article]:
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
            for_children = (str(first.chunk.extra.get("audience") or "") == CHILD_LEVEL
                            or str(first.chunk.extra.get("article_id") or "").startswith("kids-"))
            adult = for_children and level != CHILD_LEVEL  # quote no sentence that talks to a child
            for text in split_sentences(summary):
                text = _for_adults(text) if adult else text
                if text and not _ABOUT_THE_TEXT.search(text):
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
                    continues = False
                    listed = ""  # the line so far: a "；" after "……有：" continues a list
                    for text in split_sentences(line):
                        kept = _for_adults(text) if adult else text
                        if kept:
                            self._add(sentences, seen, kept, block, summary=False, after_verdict=verdict,
                                      retrieval=src.score / top, heading=chunk.heading, number=src.number,
                                      continues=continues)
                        listed += text
                        continues = text.rstrip().endswith(("；", ";")) and bool(re.search(r"[：:]", listed))
                        verdict = False
                previous = chunk
            meta = " ".join([first.chunk.title, str(first.chunk.extra.get("keywords") or ""),
                             *(m.chunk.heading for m in members)])
            subject = re.split(r"[：:（(]", first.chunk.title, maxsplit=1)[0]  # "化肥怎么用才对：氮磷钾……" → 化肥……
            segments = [p for p in _TITLE_BREAK.split(first.chunk.title) if _core_len(p) >= 2]
            aspects = tuple(p for i, p in enumerate(segments) if i > 0 or _TITLE_ASKS.search(p))
            articles.append(_Article(rank, max(m.score for m in members) / top, sentences, meta, subject,
                                     for_children, aspects))
        return articles

    def _add(self, out: list[_Sentence], seen: set[str], raw: str, block: int, summary: bool,
             after_verdict: bool = False, retrieval: float = 0.0, heading: str = "", number: int = 0,
             continues: bool = False) -> None:
        """A candidate sentence; the words of its section heading count as its own ("在学校" → 学校)."""
        raw = raw.strip()
        text = _ENUMERATOR.sub("", _LIST_MARK.sub("", raw))
        if text in seen or _core_len(text) < 4 or _TO_THE_ASSISTANT.search(text) or _ABOUT_THE_TEXT.search(text):
            return
        seen.add(text)
        out.append(_Sentence(text, block, summary, after_verdict, frozenset(_bigrams(text) | _bigrams(heading)),
                             set(self._tokens(text)) | set(self._tokens(heading)), retrieval, number=number, raw=raw,
                             continues=continues))

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
        for article in articles:
            self._aspect_bonus(own, article)
        seen = " ".join(s.text for s in everything) + " " + " ".join(a.meta for a in articles)
        return entity_words(q_tokens, self._idf, seen)

    def _aspect_bonus(self, own: str, article: _Article) -> None:
        """When a segment of the title asks what the question asks ("核电站安全吗", "飞行中不能用"), the sentences that
        carry that segment's answer come first: the lead and summary for the article's own question, the sentences
        sharing the segment's words for another segment."""
        asked_chars = _content_chars(own)
        subject_chars = _content_chars(article.title)
        kind = asked(own)
        best, match = "", 0.0
        for aspect in article.aspects:
            chars = _content_chars(aspect)
            share = len(chars & asked_chars) / len(chars) if len(chars) >= 2 else 0.0
            own_question = aspect.startswith(article.title) or article.title.startswith(aspect)
            if own_question and (kind == Asks.OTHER or asked(aspect) != kind):
                continue  # the title asks another thing about the same subject ("地震是怎么发生的" for "多深")
            if not own_question and (not (chars - subject_chars) & asked_chars or not _TITLE_SAYS.search(aspect)):
                continue  # only the subject is shared, or the segment names a part, not a question or a rule
            if share > match:
                best, match = aspect, share
        if match < self.aspect_match:
            return
        if best.startswith(article.title) or article.title.startswith(best):  # the article's own question
            summary = [s for s in article.sentences if s.summary]
            for s in summary or article.sentences[:2]:
                # the editor's summary answers the title's question: it ranks as the best-retrieved chunk would
                s.score += self.aspect_bonus * match + (self.chunk_prior * article.retrieval if summary else 0.0)
            return
        grams = _bigrams(best) - _bigrams(article.title)
        if not grams:
            return
        for s in article.sentences:
            share = len(grams & s.grams) / len(grams)
            if share >= 0.3:
                s.score += self.aspect_bonus * match * min(1.0, 2 * share)

    # ---- what the passage says of a claim ----------------------------------------------------------
    def _direction(self, own: str, article: _Article) -> int:
        """+1 when the article's sentences on the question confirm the claim asked about, -1 when they refute
        it, 0 when they say both, neither, or the claim is negated itself (a double negative is left alone)."""
        claim = _claim_of(own)
        if not claim or _NEGATED_CLAIM.search(claim):
            return 0
        confirm = refute = 0.0
        for s in article.sentences:
            on_claim = self._on_claim(claim, s)
            if on_claim < self.claim_relevance:
                continue
            says_yes, says_no = bool(_CONFIRMS.search(s.text)), bool(_REFUTES.search(s.text))
            if says_yes and not says_no:
                confirm += on_claim
            elif says_no and not says_yes:
                refute += on_claim
        if confirm and not refute:
            return 1
        if refute and not confirm:
            return -1
        return 0

    @staticmethod
    def _on_claim(claim: str, sentence: _Sentence) -> float:
        """The share of the claim's content characters the sentence names (its subject included: a title's words
        are discounted in ``relevance``, but a sentence judging the claim names its subject)."""
        chars = _content_chars(claim)
        return len(chars & _content_chars(sentence.text)) / len(chars) if chars else 0.0

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
        articles = self._articles(sources, level)
        if not articles:
            return Composed("", [], {})
        weights = self._score(question, articles, focus)
        for_adult = level != CHILD_LEVEL

        def on_question(a: _Article) -> float:
            return max((s.relevance for s in a.sentences), default=0.0)

        def covered(a: _Article) -> bool:  # an article for adults is as much about the question
            return any(not b.for_children and self._about(b, weights) >= self._about(a, weights)
                       and on_question(b) >= 0.8 * on_question(a) for b in articles)

        def merit(a: _Article) -> float:
            best = max((s.score for s in a.sentences if _opens(s)), default=0.0)
            child = self.child_penalty if a.for_children and for_adult and covered(a) else 0.0
            return (best + self.article_prior * a.retrieval + self.about_weight * self._about(a, weights)
                    - 0.05 * a.rank - child)

        chosen_article = max(articles, key=merit)
        own = focus or question
        direction = self._direction(own, chosen_article) if _asks_claim(own) else 0
        if direction:  # open with the sentence most on the question that says it the way the verdict does
            pattern = _CONFIRMS if direction > 0 else _REFUTES
            claim = _claim_of(own)
            saying = [s for s in chosen_article.sentences
                      if self._on_claim(claim, s) >= self.claim_relevance and pattern.search(s.text) and _opens(s)]
            if saying:
                top = max(s.score for s in chosen_article.sentences)
                max(saying, key=lambda s: (self._on_claim(claim, s), s.score)).score = top + 0.05
        passage = self._passage(chosen_article)
        if not passage:
            return Composed("", [], {})
        text = re.sub(r"[；;，,、：:]$", "。", "".join(s.text for s in passage))
        # No "是真的：/不是真的：" opener of our own: judged by reading (session 9), a vote over sentences of an
        # article only partly about the claim pointed the wrong way ("蜂蜜不能给一岁以下宝宝吃" → "不是真的").
        # The passage opens with the sentence that says it, in the article's own words.
        # cited once, as the chunk the passage mostly comes from, so the reader finds it highlighted there
        number = max({s.number for s in passage}, key=lambda n: sum(len(s.text) for s in passage if s.number == n))
        return Composed(f"{text}[{number}]", [number], {number: [s.raw for s in passage if s.number == number]})

    def stream(self, question: str, sources: list[Source], history: object = None,
               level: str = DEFAULT_LEVEL) -> Iterator[str | Composed]:
        composed = self.compose(question, sources, history, level)
        yield composed.text
        yield composed


