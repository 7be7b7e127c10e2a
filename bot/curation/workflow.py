"""The communicator loop: an unanswered question becomes a ticket, a group of tickets is assigned to an
expert, the expert drafts and submits, a reviewer other than the author publishes, and every ticket of
the group is answered (the citizen reads it under 我的提问; the webhook tells other platforms).

Roles are checked here on every call (bot/curation/roles.py) through the ``require`` callable the curator
service passes in, so the console, its Gradio API and the JSON API meet the same rules.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.curation.review import ReviewGroup, ReviewQueue
from bot.curation.roles import Action, allowed
from bot.curation.webhook import AnswerWebhook
from bot.engine.service import AnswerService
from bot.engine.types import AskOptions
from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from knowledge.stores.curated import CuratedAnswer
from knowledge.stores.curation import CurationStore
from knowledge.stores.models import utcnow
from knowledge.stores.tickets import Assignment, Ticket
from knowledge.types import AnswerStatus, AssignmentStatus, Role, TicketStatus


class WorkflowInputError(AskScienceError):
    """A workflow request that cannot be carried out as given (unknown expert, empty comment); Chinese."""


class NotFound(AskScienceError):
    """The group, assignment or answer named does not exist (any more)."""


@dataclass(frozen=True)
class QueueGroup:
    """A review-queue group as a curator triages it: its questions, its tickets, who could answer it."""

    id: str  # "g<question-log id of its latest phrasing>": stable while that question is in the group
    question: str
    phrasings: list[str]
    count: int
    no_answer: int
    thumbs_down: int
    reports: int
    last_answer: str
    topic: str
    tickets: list[str]
    experts: list[str]  # suggested: experts of the group's topic first


@dataclass(frozen=True)
class AssignmentView:
    assignment: Assignment
    tickets: list[Ticket]
    draft: CuratedAnswer | None
    overdue: bool


@dataclass(frozen=True)
class Passage:
    title: str
    source: str
    text: str
    score: float


@dataclass(frozen=True)
class DraftStart:
    """What an expert sees when drafting: the questions, what citizens were told, the closest passages,
    and a first draft to edit (the composer's answer)."""

    view: AssignmentView
    questions: list[str]
    told: list[str]
    passages: list[Passage]
    draft: str
    articles: list[str]


@dataclass(frozen=True)
class TicketView:
    """A ticket as the citizen who holds its code may see it (no personal data, no curator names)."""

    code: str
    status: str
    question: str
    answer: str = ""
    citations: list[dict[str, str]] = field(default_factory=list)
    answered_at: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "status": self.status, "status_label": texts.TICKET_STATUS[self.status],
                "question": self.question, "answer": self.answer or None, "citations": self.citations,
                "answered_at": self.answered_at or None}


@dataclass(frozen=True)
class Overdue:
    """An article or a published answer past its review-by date (its own, or the last review + review_months)."""

    kind: str  # "answer" or "article"
    ref: str  # the answer's number, or the article's id
    title: str
    due: dt.date
    reviewer: str
    reviewed: str  # when it was last reviewed or changed

    def days_over(self, today: dt.date) -> int:
        return (today - self.due).days


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


@dataclass(frozen=True)
class TimelinessRow:
    name: str  # a topic or an expert
    tickets: int
    open: int
    overdue: int
    answered: int
    median_hours: float | None
    within_due_share: float | None  # answered within the due time (48 h by default)


@dataclass(frozen=True)
class Timeliness:
    total: TimelinessRow
    by_topic: list[TimelinessRow]
    by_expert: list[TimelinessRow]
    days: int
    due_hours: float


def _group_topic(group: ReviewGroup) -> str:
    topics = Counter(q.topic for q in group.questions if q.topic)
    return topics.most_common(1)[0][0] if topics else ""


class Workflow:
    def __init__(self, settings: Settings, store: CurationStore, accounts: Accounts, review: ReviewQueue,
                 require: Callable[[str | None, Action], str], answers: AnswerService | None = None,
                 webhook: AnswerWebhook | None = None) -> None:
        self.settings = settings
        self.store = store
        self.tickets = store.tickets
        self.accounts = accounts
        self.review = review
        self.require = require
        self.answers = answers
        self.webhook = webhook or AnswerWebhook(settings.answer_webhook_url, settings.answer_webhook_secret)

    # ---- triage and assignment ---------------------------------------------------------------------
    def queue(self, actor: str, days: int = 30) -> list[QueueGroup]:
        """Open needs, grouped by meaning, largest first. Tickets of a need that is already assigned join
        that assignment (they follow the group) and leave the queue."""
        self.require(actor, Action.QUEUE)
        groups = self.review.groups(days)
        by_question = self.tickets.for_questions(q.id for g in groups for q in g.questions)
        open_assignments = self.tickets.assignments(status=AssignmentStatus.OPEN)
        leaders = self._matrix([a.question for a in open_assignments])
        asked = self.review.vectors([g.question for g in groups]) if leaders is not None else {}
        out: list[QueueGroup] = []
        for group in groups:
            tickets = [by_question[q.id] for q in group.questions if q.id in by_question]
            waiting = [t.code for t in tickets if t.status == TicketStatus.RECEIVED]
            if tickets and not waiting:
                continue  # every ticket is being answered or answered already
            follows = self._following(asked.get(group.question), open_assignments, leaders)
            if follows is not None and waiting:
                self.tickets.attach(follows.id, waiting)
                continue
            topic = _group_topic(group)
            out.append(QueueGroup(
                f"g{group.questions[0].id}", group.question, group.phrasings, group.count, group.no_answer,
                group.thumbs_down, group.reports, group.last_answer, topic, waiting,
                [a.username for a in self.accounts.experts(topic)]))
        return out

    def _matrix(self, questions: list[str]) -> np.ndarray | None:
        if not questions:
            return None
        found = self.review.vectors(questions)
        return np.stack([found[q] for q in questions])

    def _following(self, vector: np.ndarray | None, assignments: list[Assignment], leaders: np.ndarray | None
                   ) -> Assignment | None:
        """The open assignment whose question this group's asks the same as, if any."""
        if vector is None or leaders is None or not assignments:
            return None
        sims = leaders @ vector
        best = int(np.argmax(sims))
        return assignments[best] if sims[best] >= self.review.threshold else None

    def assign(self, actor: str, group_id: str, expert: str, due: dt.datetime | None = None,
               days: int = 30) -> Assignment:
        """Give a queue group (its tickets follow it) to an expert, due in ``ticket_due_hours`` by default."""
        self.require(actor, Action.ASSIGN)
        info = self.accounts.info(expert)
        if info is None or not info.active or Role.EXPERT not in info.roles:
            raise WorkflowInputError(texts.WORKFLOW_NOT_AN_EXPERT.format(name=expert))
        group = next((g for g in self.queue(actor, days) if g.id == group_id), None)
        if group is None:
            raise NotFound(texts.WORKFLOW_GROUP_GONE)
        due = due or utcnow() + dt.timedelta(hours=self.settings.ticket_due_hours)
        if due <= utcnow():
            raise WorkflowInputError(texts.WORKFLOW_DUE_PAST)
        return self.tickets.assign(actor, group.tickets, expert, group.question, due, group.topic)

    def cancel_assignment(self, actor: str, assignment_id: int) -> Assignment:
        self.require(actor, Action.ASSIGN)
        self._assignment(assignment_id)
        return self.tickets.cancel(actor, assignment_id)

    def reassign(self, actor: str, assignment_id: int, expert: str, due: dt.datetime | None = None) -> Assignment:
        self.require(actor, Action.ASSIGN)
        info = self.accounts.info(expert)
        if info is None or not info.active or Role.EXPERT not in info.roles:
            raise WorkflowInputError(texts.WORKFLOW_NOT_AN_EXPERT.format(name=expert))
        self._assignment(assignment_id)
        return self.tickets.reassign(actor, assignment_id, expert, due)

    def _assignment(self, assignment_id: int) -> Assignment:
        found = self.tickets.get_assignment(assignment_id)
        if found is None:
            raise NotFound(texts.WORKFLOW_NO_ASSIGNMENT)
        return found

    def _view(self, a: Assignment, now: dt.datetime) -> AssignmentView:
        draft = self.store.answers.get(a.answer_id) if a.answer_id is not None else None
        return AssignmentView(a, self.tickets.of_assignment(a.id), draft, a.overdue(now))

    def assignments(self, actor: str, status: str | None = AssignmentStatus.OPEN) -> list[AssignmentView]:
        """Open assignments (or those with ``status``; None: all). An expert without a curator's or reviewer's
        role sees only their own."""
        self.require(actor, Action.CONSOLE)
        mine_only = not allowed(self.accounts.roles_of(actor), Action.ASSIGNMENTS_ALL)
        if mine_only:
            self.require(actor, Action.DRAFT)
        now = utcnow()
        return [self._view(a, now) for a in self.tickets.assignments(actor if mine_only else None, status)]

    def _check_sees(self, actor: str, a: Assignment) -> None:
        if a.expert != actor and not allowed(self.accounts.roles_of(actor), Action.ASSIGNMENTS_ALL):
            raise NotFound(texts.WORKFLOW_NO_ASSIGNMENT)  # another expert's work is not even listed

    # ---- drafting --------------------------------------------------------------------------------------
    def start_draft(self, actor: str, assignment_id: int) -> DraftStart:
        """The group's questions, what citizens were told, the closest passages and a first draft."""
        self.require(actor, Action.DRAFT)
        a = self._assignment(assignment_id)
        self._check_sees(actor, a)
        view = self._view(a, utcnow())
        logged = [self.store.questions.get(t.question_id) for t in view.tickets if t.question_id is not None]
        questions = list(dict.fromkeys([a.question, *(t.question for t in view.tickets)]))
        told = list(dict.fromkeys(q.answer for q in logged if q is not None and q.answer))
        passages: list[Passage] = []
        draft, articles = "", []
        if self.answers is not None:
            composed = self.answers.ask(a.question, options=AskOptions(log=False, use_curated=False))
            if composed.citations:
                draft = composed.text
                articles = list(dict.fromkeys(c.source for c in composed.citations))
            found = self.answers.retriever.retrieve(a.question, 5)
            passages = [Passage(r.chunk.title, r.chunk.extra.get("article_id", r.chunk.source), r.chunk.text,
                                round(float(r.score), 4)) for r in found.results[:5]]
        return DraftStart(view, questions, told[:5], passages, draft, articles)

    def require_edit(self, actor: str, answer_id: int | None) -> None:
        """Writing a new draft needs the drafting role; changing a live answer needs a reviewer (who need not
        be able to draft); any other edit needs the drafting role and, for an expert, authorship."""
        if answer_id is None:
            self.require(actor, Action.DRAFT)
            return
        found = self.store.answers.get(answer_id)
        if found is None:
            self.require(actor, Action.DRAFT)
            raise NotFound(texts.WORKFLOW_NO_ANSWER)
        if found.status != AnswerStatus.PUBLISHED:
            self.require(actor, Action.DRAFT)
        self.check_can_edit(actor, answer_id)

    def check_can_edit(self, actor: str, answer_id: int) -> CuratedAnswer:
        """Editing a live answer needs a reviewer; an expert edits only their own drafts."""
        found = self.store.answers.get(answer_id)
        if found is None:
            raise NotFound(texts.WORKFLOW_NO_ANSWER)
        if found.status == AnswerStatus.PUBLISHED:
            self.require(actor, Action.EDIT_PUBLISHED)
        roles = self.accounts.roles_of(actor)
        if not (roles & {Role.CURATOR, Role.REVIEWER}) and found.author != actor:
            raise NotFound(texts.WORKFLOW_NO_ANSWER)
        return found

    def save_draft(self, actor: str, question: str, answer: str, phrasings: Sequence[str] = (),
                   articles: Sequence[str] = (), *, assignment_id: int | None = None, answer_id: int | None = None,
                   expert_opinion: bool = False, tickets: Sequence[str] = ()) -> CuratedAnswer:
        """Create or edit a draft; link it to an assignment (its tickets are answered when it is published)
        or to ticket codes named directly. ``expert_opinion`` marks it 专家意见 with the author's name."""
        self.require(actor, Action.CONSOLE)
        question, answer = question.strip(), answer.strip()
        if len(question) > self.settings.max_question_chars or len(answer) > 4000:
            raise WorkflowInputError(texts.CURATED_TOO_LONG)
        assignment = None
        if assignment_id is not None:
            assignment = self._assignment(assignment_id)
            self._check_sees(actor, assignment)
            if assignment.status != AssignmentStatus.OPEN:
                raise WorkflowInputError(texts.WORKFLOW_ASSIGNMENT_CLOSED)
            if answer_id is None:
                answer_id = assignment.answer_id
        self.require_edit(actor, answer_id)
        if not question or not answer:
            raise WorkflowInputError(texts.CURATED_NEEDS_TEXT)
        if not articles and not expert_opinion:
            raise WorkflowInputError(texts.WORKFLOW_NEEDS_SUPPORT)
        name = ""
        if expert_opinion:
            info = self.accounts.info(actor)
            name = (info.display_name if info and info.display_name else actor)
        saved = self.store.answers.save_draft(
            actor, question, answer, [p.strip() for p in phrasings if p.strip()], [a for a in articles if a],
            answer_id=answer_id, expert_opinion=name)
        if assignment is not None:
            self.tickets.link_answer(assignment.id, saved.id)
        if tickets:
            self.tickets.link_tickets(saved.id, tickets)
        return saved

    # ---- review ------------------------------------------------------------------------------------
    def submit(self, actor: str, answer_id: int) -> CuratedAnswer:
        self.require(actor, Action.SUBMIT)
        self.check_can_edit(actor, answer_id)
        return self.store.answers.submit(actor, answer_id)

    def inbox(self, actor: str) -> list[CuratedAnswer]:
        """Submitted answers waiting for a reviewer, oldest first."""
        self.require(actor, Action.PUBLISH)
        return sorted(self.store.answers.search("", AnswerStatus.SUBMITTED, limit=10_000), key=lambda a: a.updated_at)

    def send_back(self, actor: str, answer_id: int, comment: str) -> CuratedAnswer:
        self.require(actor, Action.RETURN)
        if not comment.strip():
            raise WorkflowInputError(texts.WORKFLOW_NEEDS_COMMENT)
        if self.store.answers.get(answer_id) is None:
            raise NotFound(texts.WORKFLOW_NO_ANSWER)
        return self.store.answers.send_back(actor, answer_id, comment.strip())

    def publish(self, actor: str, answer_id: int) -> CuratedAnswer:
        """Approve: publish a submitted answer (four-eyes unless ``self_approval``), answer its tickets in the
        same transaction, then tell the webhook. A retired answer may be put back without a new review."""
        self.require(actor, Action.PUBLISH)
        found = self.store.answers.get(answer_id)
        if found is None:
            raise NotFound(texts.WORKFLOW_NO_ANSWER)
        reinstating = found.status == AnswerStatus.RETIRED
        solo = self.settings.self_approval
        published, codes = self.store.answers.publish(
            actor, answer_id, four_eyes=not (solo or reinstating), require_submitted=not (solo or reinstating))
        if self.webhook.enabled:
            self.webhook.send(self._webhook_payload(published, codes))
        return published

    def _webhook_payload(self, answer: CuratedAnswer, codes: list[str]) -> dict[str, object]:
        return {"event": "answer.published", "answer_id": answer.id, "question": answer.question,
                "answer": answer.answer, "articles": list(answer.articles), "tickets": codes,
                "published_at": answer.updated_at.isoformat() + "Z"}

    # ---- the citizen's ticket ----------------------------------------------------------------------
    def ticket(self, code: str | None) -> TicketView | None:
        """What the holder of ``code`` may read, or None for a code that does not exist (nothing else is
        said about it). A ticket whose question now reaches a reviewed answer closes itself."""
        found = self.tickets.get(code)
        if found is None:
            return None
        if found.status != TicketStatus.ANSWERED and self.answers is not None:
            hit = self.answers.reviewed_answer_for(found.question)
            # only an answer published (or edited) after the ticket was opened answers it: the one a citizen
            # gave 👎 to, or any older one, is what they already had
            if hit is not None and hit.updated_at >= found.created_at and self.tickets.close(found.code, hit.id):
                found = self.tickets.get(found.code) or found
        if found.status != TicketStatus.ANSWERED or found.answer_id is None:
            return TicketView(found.code, found.status, found.question)
        answer = self.store.answers.get(found.answer_id)
        when = f"{found.answered_at:%Y-%m-%d}" if found.answered_at else ""
        if answer is None or answer.status != AnswerStatus.PUBLISHED:
            return TicketView(found.code, found.status, found.question, texts.TICKET_ANSWER_WITHDRAWN, [], when)
        return TicketView(found.code, found.status, found.question, answer.answer,
                          self._citations(answer), when)

    def tickets_for(self, codes: Sequence[str]) -> list[TicketView]:
        """The 我的提问 list: the codes this browser has seen, newest first, unknown ones left out."""
        views = [self.ticket(t.code) for t in self.tickets.many(codes)]
        return [v for v in views if v is not None]

    def _citations(self, answer: CuratedAnswer) -> list[dict[str, str]]:
        titles: dict[str, str] = {}
        if self.answers is not None and answer.articles:
            titles = {c.extra.get("article_id", ""): c.title
                      for c in self.answers.kb.find(article_id=list(answer.articles), position=0)}
        out = [{"title": titles.get(a) or a, "article": a} for a in answer.articles]
        if answer.expert_opinion:
            out.append({"title": texts.EXPERT_OPINION.format(name=answer.expert_opinion), "article": ""})
        return out

    # ---- timeliness and freshness --------------------------------------------------------------------
    def timeliness(self, actor: str, days: int = 30) -> Timeliness:
        """Open and overdue tickets, median time to answer and the share answered in time, by topic and
        by expert, over the tickets opened in the last ``days`` days."""
        self.require(actor, Action.DASHBOARD)
        now = utcnow()
        tickets = self.tickets.since(now - dt.timedelta(days=days))
        assignments = {a.id: a for a in self.tickets.assignments(status=None, limit=100_000)}
        due = self.settings.ticket_due_hours

        def row(name: str, items: list[Ticket]) -> TimelinessRow:
            def limit(t: Ticket) -> dt.datetime:  # the assignment's own due time, else the default
                a = assignments.get(t.assignment_id) if t.assignment_id is not None else None
                return a.due_at if a is not None else t.created_at + dt.timedelta(hours=due)

            answered = [t for t in items if t.status == TicketStatus.ANSWERED and t.answered_at]
            hours = [(t.answered_at - t.created_at).total_seconds() / 3600 for t in answered if t.answered_at]
            in_time = sum(1 for t in answered if t.answered_at and t.answered_at <= limit(t))
            overdue = sum(1 for t in items if t.status != TicketStatus.ANSWERED and limit(t) < now)
            return TimelinessRow(name, len(items), len(items) - len(answered), overdue, len(answered),
                                 round(statistics.median(hours), 1) if hours else None,
                                 round(in_time / len(answered), 3) if answered else None)

        by_topic: dict[str, list[Ticket]] = {}
        by_expert: dict[str, list[Ticket]] = {}
        for t in tickets:
            by_topic.setdefault(t.topic or texts.TIMELINESS_NO_TOPIC, []).append(t)
            a = assignments.get(t.assignment_id) if t.assignment_id is not None else None
            by_expert.setdefault(a.expert if a is not None else texts.TIMELINESS_UNASSIGNED, []).append(t)
        return Timeliness(row(texts.TIMELINESS_ALL, tickets),
                          [row(k, v) for k, v in sorted(by_topic.items(), key=lambda kv: -len(kv[1]))],
                          [row(k, v) for k, v in sorted(by_expert.items(), key=lambda kv: -len(kv[1]))],
                          days, due)

    def overdue_reviews(self, actor: str, today: dt.date | None = None) -> list[Overdue]:
        """Published answers and knowledge-base articles past their review-by date, the most overdue first. An
        item without its own date is due ``review_months`` after its last review (an article's ``reviewed_at``,
        else when it was ingested; an answer's last change)."""
        self.require(actor, Action.QUEUE)
        today = today or utcnow().date()
        months = self.settings.review_months
        found: list[Overdue] = []
        for a in self.store.answers.search("", AnswerStatus.PUBLISHED, limit=100_000):
            due = a.review_by or add_months(a.updated_at.date(), months)
            if due < today:
                found.append(Overdue("answer", str(a.id), a.question, due, a.reviewer, f"{a.updated_at:%Y-%m-%d}"))
        if self.answers is not None:
            for chunk in self.answers.kb.find(position=0):
                reviewed = chunk.extra.get("reviewed_at", "") or chunk.extra.get("ingested_at", "")
                try:
                    last = dt.date.fromisoformat(str(reviewed)[:10])
                except ValueError:
                    continue  # no date at all: nothing to count from
                due = add_months(last, months)
                if due < today:
                    found.append(Overdue("article", chunk.extra.get("article_id", chunk.source), chunk.title, due,
                                         chunk.extra.get("reviewer", ""), str(reviewed)[:10]))
        return sorted(found, key=lambda o: (o.due, o.kind, o.ref))
