"""How fast the sensitive-word matcher is with a large list.

Builds a synthetic list of 5,000 blocked phrases (2–8 common Chinese characters, a few with ASCII letters)
plus 200 whitelisted terms, then times ``WordMatcher.find`` on 500-character questions, 30% of which
contain a listed phrase written with dodging separators. Two kinds of question: windows of the shipped
science articles (real text), and random characters from the list's own pool (a worst case: short terms
hit everywhere). Prints the build time and mean / p99 per question.

    .venv/bin/python scripts/bench_wordlist.py [--entries 5000] [--questions 2000] [--length 500]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.wordlist import WordEntry, WordList, WordMatcher

# common characters of popular-science text, so that questions share many prefixes with the list
POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
    "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合"
    "还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只"
    "没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边"
    "流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造"
    "百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例"
)


def _phrase(rng: random.Random) -> str:
    text = "".join(rng.choice(POOL) for _ in range(rng.randint(2, 8)))
    if rng.random() < 0.05:
        text = rng.choice(["vpn", "app", "qq", "WeChat"]) + text
    return text


def build_list(rng: random.Random, entries: int, allowed: int) -> WordList:
    blocked: dict[str, WordEntry] = {}
    while len(blocked) < entries:
        term = _phrase(rng)
        blocked.setdefault(term, WordEntry(term, rng.choice(["违法交易", "赌博", "诈骗话术", "色情", "暴恐"])))
    allow = {t.term + rng.choice(POOL) + rng.choice(POOL) for t in rng.sample(list(blocked.values()), allowed)}
    return WordList(blocked=list(blocked.values()), allowed=sorted(allow))


ARTICLES = Path(__file__).resolve().parents[1] / "knowledge" / "articles"


def build_questions(rng: random.Random, wordlist: WordList, count: int, length: int, real: bool) -> list[str]:
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted(ARTICLES.rglob("*.md"))) if real else ""
    questions = []
    for _ in range(count):
        if corpus:
            at = rng.randrange(0, len(corpus) - length)
            chars = list(corpus[at:at + length])
        else:
            chars = [rng.choice(POOL) for _ in range(length)]
        if rng.random() < 0.3:  # a listed phrase, dodged with separators, somewhere in the question
            term = rng.choice(wordlist.blocked).term
            dodged = "".join(ch + rng.choice(["", " ", "·", "*", "\u200b"]) for ch in term)
            at = rng.randrange(0, length - len(dodged))
            chars[at:at + len(dodged)] = list(dodged)
        questions.append("".join(chars)[:length])
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--allowed", type=int, default=200)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--length", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    wordlist = build_list(rng, args.entries, args.allowed)
    started = time.perf_counter()
    matcher = WordMatcher(wordlist)
    build_ms = (time.perf_counter() - started) * 1000
    print(f"list: {len(wordlist.blocked)} blocked + {len(wordlist.allowed)} whitelisted; build {build_ms:.1f} ms")
    for label, real in (("article text", True), ("random text", False)):
        questions = build_questions(rng, wordlist, args.questions, args.length, real)
        for question in questions[:50]:  # warm-up
            matcher.find(question)
        times, hits = [], 0
        for question in questions:
            started = time.perf_counter()
            hits += bool(matcher.find(question))
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{label}: {len(questions)} questions x {args.length} chars, {hits} with a hit; "
              f"find mean {statistics.fmean(times):.3f} ms, p50 {times[len(times) // 2]:.3f} ms, "
              f"p99 {p99:.3f} ms, max {times[-1]:.3f} ms")


if __name__ == "__main__":
    main()
