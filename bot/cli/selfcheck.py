"""Curator self-check of the shipped starter content:

    python -m bot.cli.selfcheck [--data-dir DIR] [--k 5] [--min 0.95] [--out report.json] [--reload]

Asks every question and every paraphrase of every shipped Q&A (``knowledge/qa/*.yaml``) through the
answer service with curated matching switched off, so that retrieval itself is tested, and checks
that one of the Q&A's ``articles`` is among the sources of the top-k retrieved chunks. Prints the
misses, then ``selfcheck phrasings=N hit@5=0.xxx declined=M misses=K`` as its last line; exit status
1 when hit@k is below ``--min``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from bot.engine.types import AskOptions, Mode
from ingest.starter import load_starter, read_qa
from knowledge.errors import QuestionError
from knowledge.settings import Settings

# Curator-facing labels (stdout and the progress bar).
LABEL_PROGRESS = "自检"
LABEL_MISSES = "未命中的问法（共 {n} 条）："
LABEL_NO_MISSES = "未命中的问法：无"
LABEL_DECLINED = "被拒答的问法（共 {n} 条）："
LABEL_EXPECTED = "应检索到"
LABEL_FIRST = "排第一的是"
LABEL_RANK = "期望文章的名次"
LABEL_NOT_RANKED = "前 {n} 个片段中没有"
LABEL_WAS_DECLINED = "已拒答"
LABEL_ERROR = "提问出错"
LABEL_NOTHING = "（无检索结果）"
LABEL_LOADING = "知识库为空：正在载入入门知识库……"
LABEL_RELOADING = "正在重新载入入门知识库（未改动的文章不会重新计算向量）……"
LABEL_NO_QA = "没有找到任何问答（{path}）"


@dataclass(frozen=True)
class ArticleRef:
    """What the knowledge base says about one source: the article id the loader gave it, and its title."""

    article_id: str
    title: str


@dataclass(frozen=True)
class PhrasingResult:
    """The outcome of asking one phrasing of one curated Q&A."""

    qa_id: str
    phrasing: str
    kind: str  # "question" or "paraphrase"
    expected: tuple[str, ...]  # article ids named by the Q&A
    ranked: tuple[str, ...]  # article ids of the retrieved chunks, best first (one per chunk)
    titles: tuple[str, ...]  # titles of the same chunks
    declined: bool
    k: int
    error: str = ""

    @property
    def rank(self) -> int | None:
        """1-based position of the first retrieved chunk from an expected article (None when absent)."""
        wanted = set(self.expected)
        return next((i for i, aid in enumerate(self.ranked, start=1) if aid in wanted), None)

    @property
    def hit(self) -> bool:
        rank = self.rank
        return rank is not None and rank <= self.k

    @property
    def first(self) -> str:
        return self.ranked[0] if self.ranked else ""

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(rank=self.rank, hit=self.hit, first=self.first)
        return data


@dataclass
class SelfCheckResult:
    k: int
    results: list[PhrasingResult] = field(default_factory=list)
    qa_items: int = 0

    @property
    def phrasings(self) -> int:
        return len(self.results)

    @property
    def hits(self) -> int:
        return sum(r.hit for r in self.results)

    @property
    def hit_rate(self) -> float:
        return self.hits / self.phrasings if self.results else 0.0

    @property
    def declined(self) -> list[PhrasingResult]:
        return [r for r in self.results if r.declined]

    @property
    def misses(self) -> list[PhrasingResult]:
        return [r for r in self.results if not r.hit]

    def summary_line(self) -> str:
        return (f"selfcheck phrasings={self.phrasings} hit@{self.k}={self.hit_rate:.3f} "
                f"declined={len(self.declined)} misses={len(self.misses)}")

    def to_json(self) -> dict:
        return {
            "k": self.k, "qa_items": self.qa_items, "phrasings": self.phrasings, "hits": self.hits,
            f"hit@{self.k}": self.hit_rate, "declined": len(self.declined), "misses": len(self.misses),
            "miss_list": [r.to_json() for r in self.misses],
            "declined_list": [r.to_json() for r in self.declined],
            "results": [r.to_json() for r in self.results],
        }


def article_refs(service: AnswerService) -> dict[str, ArticleRef]:
    """Source → (article id, title) from chunk metadata, exactly as the ingestion pipeline stored it."""
    refs: dict[str, ArticleRef] = {}
    for meta in service.kb.all_metadata().values():
        source = str(meta.get("source", ""))
        if source and source not in refs:
            # Every pipeline-ingested chunk carries article_id; fall back to the raw source, never a guess.
            refs[source] = ArticleRef(str(meta.get("article_id") or source), str(meta.get("title", "")))
    return refs


def phrasings_of(items: Sequence[dict]) -> list[tuple[dict, str, str]]:
    """(item, phrasing, kind) for the question and every paraphrase of every Q&A item."""
    out = []
    for item in items:
        out.append((item, item["question"], "question"))
        out.extend((item, p, "paraphrase") for p in item.get("paraphrases") or [])
    return out


def run_selfcheck(service: AnswerService, items: Sequence[dict], k: int = 5, show_progress: bool = True
                  ) -> SelfCheckResult:
    """Ask every phrasing with curated matching off; record where the expected articles were retrieved."""
    refs = article_refs(service)
    options = AskOptions(use_curated=False, log=False)
    result = SelfCheckResult(k, qa_items=len(items))
    todo = phrasings_of(items)
    for item, phrasing, kind in tqdm(todo, desc=LABEL_PROGRESS, unit="问", file=sys.stderr,
                                     disable=not show_progress):
        expected = tuple(str(a) for a in item.get("articles") or [])
        try:
            answer = service.ask(phrasing, options=options)
        except QuestionError as exc:
            result.results.append(PhrasingResult(str(item["id"]), phrasing, kind, expected, (), (), False, k,
                                                 error=str(exc)))
            continue
        found = [refs.get(s, ArticleRef(s, "")) for s in answer.ranked_sources]
        result.results.append(PhrasingResult(
            str(item["id"]), phrasing, kind, expected, tuple(r.article_id for r in found),
            tuple(r.title for r in found), answer.mode == Mode.NO_ANSWER, k,
        ))
    return result


def describe_miss(r: PhrasingResult) -> list[str]:
    lines = [f"- [{r.qa_id}] {r.phrasing}"]
    if r.error:
        lines.append(f"  {LABEL_ERROR}：{r.error}")
        return lines
    first = f"{r.first}《{r.titles[0]}》" if r.ranked else LABEL_NOTHING
    rank = r.rank
    where = f"第 {rank} 个片段" if rank is not None else LABEL_NOT_RANKED.format(n=len(r.ranked))
    detail = f"  {LABEL_EXPECTED}：{'、'.join(r.expected)}；{LABEL_FIRST}：{first}；{LABEL_RANK}：{where}"
    if r.declined:
        detail += f"；{LABEL_WAS_DECLINED}"
    lines.append(detail)
    return lines


def print_report(result: SelfCheckResult, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    misses = result.misses
    print(LABEL_MISSES.format(n=len(misses)) if misses else LABEL_NO_MISSES, file=out)
    for r in misses:
        for line in describe_miss(r):
            print(line, file=out)
    declined = result.declined
    if declined:
        print(LABEL_DECLINED.format(n=len(declined)), file=out)
        for r in declined:
            print(f"- [{r.qa_id}] {r.phrasing}", file=out)
    print(result.summary_line(), file=out)


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="askscience selfcheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="knowledge base to check (default: ASKSCI_DATA_DIR)")
    parser.add_argument("--k", type=int, default=5, help="an expected article must be among the top-k chunks")
    parser.add_argument("--min", type=float, default=0.95, dest="min_rate", help="exit 1 when hit@k is below this")
    parser.add_argument("--out", type=Path, help="write a JSON report here")
    parser.add_argument("--reload", action="store_true",
                        help="reload the starter content first even when the knowledge base is not empty")
    args = parser.parse_args(argv)

    settings = settings if settings is not None else Settings()
    if args.data_dir is not None:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    depth = max(settings.top_k, 10)  # the service ranks this many chunks
    if not 1 <= args.k <= depth:
        parser.error(f"--k must be between 1 and {depth}")
    items = read_qa(settings.starter_dir)
    if not items:
        print(LABEL_NO_QA.format(path=settings.starter_dir / "qa"), file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    service = build_service(settings)
    load_s = 0.0
    if (service.kb.count() == 0 or args.reload) and service.store is not None:
        from ingest.progress import ConsoleProgress
        from ingest.service import build_pipeline

        print(LABEL_RELOADING if args.reload else LABEL_LOADING, file=sys.stderr)
        report = load_starter(settings.starter_dir, build_pipeline(settings, service.kb), service.store,
                              ConsoleProgress())
        print(report.summary_line(), file=sys.stderr)
        load_s = time.perf_counter() - t0
    service.kb.tokenizer.warm_up()
    t1 = time.perf_counter()
    result = run_selfcheck(service, items, args.k)
    check_s = time.perf_counter() - t1
    total_s = time.perf_counter() - t0
    print(f"用时 {total_s:.1f} 秒（载入 {load_s:.1f} 秒，提问 {check_s:.1f} 秒，"
          f"每问 {1000 * check_s / max(result.phrasings, 1):.0f} 毫秒）", file=sys.stderr)

    passed = result.hit_rate >= args.min_rate
    if args.out:
        data = result.to_json()
        data.update(min=args.min_rate, passed=passed, embedder=service.kb.embedder.name,
                    data_dir=str(settings.data_dir), load_s=round(load_s, 1), check_s=round(check_s, 1),
                    total_s=round(total_s, 1))
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print_report(result)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
