"""Figures for the curator dashboard: what the public asks and how well it is answered."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from bot.engine.types import Mode
from knowledge import texts
from knowledge.stores.curation import CurationStore
from knowledge.stores.models import utcnow
from knowledge.stores.regression_runs import RegressionRun, RegressionRuns
from knowledge.texts import Chart as C

_KEYWORD = re.compile(r"[\u4e00-\u9fff0-9a-z.]{2,}")


@dataclass
class DashboardData:
    per_day: pd.DataFrame  # 日期, 类别 (已回答 / 暂无答案), 提问数
    answered_share: float
    total: int
    modes: pd.DataFrame  # 回答方式, 提问数
    topics: pd.DataFrame  # 主题, 提问数
    keywords: pd.DataFrame  # 关键词, 次数
    feedback: pd.DataFrame  # 日期, 反馈, 次数
    channels: pd.DataFrame  # 渠道, 提问数, 回答率
    channels_per_day: pd.DataFrame  # 日期, 渠道, 提问数
    llm_fallbacks: int = 0  # answers quoted because the LLM failed
    llm_attempts: int = 0  # answers the LLM wrote or was asked to write
    llm_reasons: tuple[tuple[str, int], ...] = ()
    blocked: int = 0  # questions refused for a sensitive phrase
    last_regression: RegressionRun | None = None  # the latest regression check of the published answers

    @property
    def llm_fallback_share(self) -> float:
        return self.llm_fallbacks / self.llm_attempts if self.llm_attempts else 0.0


def channel_label(channel: str) -> str:
    kind, _, name = channel.partition(":")
    if kind == "embed" and name:
        return texts.CHANNEL_EMBED.format(name=name)
    if kind == "api" and name:
        return texts.CHANNEL_API.format(name=name)
    return texts.CHANNEL_LABELS.get(channel, channel)


def build_dashboard(store: CurationStore, tokens: Callable[[str], list[str]], days: int = 30,
                    top: int = 15) -> DashboardData:
    since = (utcnow() - dt.timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    questions = store.questions.since(since)
    day_index = [(since + dt.timedelta(days=i)).date().isoformat() for i in range(days)]
    answered = Counter(q.asked_at.date().isoformat() for q in questions if q.mode != Mode.NO_ANSWER)
    unanswered = Counter(q.asked_at.date().isoformat() for q in questions if q.mode == Mode.NO_ANSWER)
    per_day = pd.DataFrame(
        [{C.DATE: d, C.CATEGORY: texts.DASH_ANSWERED, C.QUESTIONS: answered.get(d, 0)} for d in day_index]
        + [{C.DATE: d, C.CATEGORY: texts.DASH_UNANSWERED, C.QUESTIONS: unanswered.get(d, 0)} for d in day_index])
    total = len(questions)
    share = (total - sum(unanswered.values())) / total if total else 0.0
    modes = Counter(texts.MODE_LABELS.get(q.mode, q.mode) for q in questions)
    topics = Counter(texts.TOPIC_LABELS.get(q.topic, q.topic) for q in questions if q.topic)
    words: Counter[str] = Counter()
    for q in questions:
        words.update({t for t in tokens(q.question) if _KEYWORD.fullmatch(t) and not t.isdigit()})
    up = Counter(q.asked_at.date().isoformat() for q in questions for _ in range(q.thumbs_up))
    down = Counter(q.asked_at.date().isoformat() for q in questions for _ in range(q.thumbs_down))
    feedback = pd.DataFrame(
        [{C.DATE: d, C.FEEDBACK: texts.DASH_UP, C.TIMES: up.get(d, 0)} for d in day_index]
        + [{C.DATE: d, C.FEEDBACK: texts.DASH_DOWN, C.TIMES: down.get(d, 0)} for d in day_index])
    for frame in (per_day, feedback):
        frame[C.DATE] = pd.to_datetime(frame[C.DATE])
    asked_on = Counter(channel_label(q.channel) for q in questions)
    answered_on = Counter(channel_label(q.channel) for q in questions if q.mode != Mode.NO_ANSWER)
    channels = pd.DataFrame([{C.CHANNEL: c, C.QUESTIONS: n, C.ANSWERED_SHARE: round(answered_on[c] / n, 3)}
                             for c, n in asked_on.most_common()], columns=[C.CHANNEL, C.QUESTIONS, C.ANSWERED_SHARE])
    daily = Counter((q.asked_at.date().isoformat(), channel_label(q.channel)) for q in questions)
    channels_per_day = pd.DataFrame([{C.DATE: d, C.CHANNEL: c, C.QUESTIONS: daily.get((d, c), 0)}
                                     for c in asked_on for d in day_index], columns=[C.DATE, C.CHANNEL, C.QUESTIONS])
    channels_per_day[C.DATE] = pd.to_datetime(channels_per_day[C.DATE])
    fallbacks = Counter(q.llm_fallback for q in questions if q.llm_fallback)
    attempts = sum(1 for q in questions if q.mode == Mode.LLM) + sum(fallbacks.values())
    return DashboardData(
        per_day, share, total,
        pd.DataFrame(modes.most_common(), columns=[C.MODE, C.QUESTIONS]),
        pd.DataFrame(topics.most_common(top), columns=[C.TOPIC, C.QUESTIONS]),
        pd.DataFrame(words.most_common(top), columns=[C.KEYWORD, C.TIMES]),
        feedback, channels, channels_per_day, sum(fallbacks.values()), attempts, tuple(fallbacks.most_common(5)),
        sum(1 for q in questions if q.mode == Mode.BLOCKED), RegressionRuns(store.db).last(),
    )
