"""Everything a curator can do, behind one service the console calls. Every method takes the acting
curator's name, checks that it is an active account (the console's login gate is not the only line
of defence) and leaves an audit entry."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.curation import regression
from bot.curation.dashboard import DashboardData, build_dashboard
from bot.curation.qa_io import ImportPlan, ImportResult, QaImporter
from bot.curation.review import ReviewGroup, ReviewQueue
from bot.curation.roles import Action, allowed
from bot.curation.workflow import Workflow
from bot.engine.sensitive import SensitiveFilter
from bot.engine.service import AnswerService
from bot.engine.types import Answer, AskOptions
from ingest.pipeline import FileResult, IngestPipeline, IngestReport, Progress
from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.index.base import KnowledgeBase
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from knowledge.stores.audit import AuditEntry
from knowledge.stores.curated import CuratedAnswer
from knowledge.stores.curation import CurationStore
from knowledge.stores.documents import DocumentRegistry, Stored
from knowledge.stores.regression_runs import RegressionRun, RegressionRuns
from knowledge.types import AnswerStatus, Chunk, DocumentStatus, Role
from knowledge.wordlist import Hit, WordList, parse_csv, parse_text, to_csv, to_text

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


class NotAuthorised(AskScienceError):
    """The caller is not a logged-in, active curator."""


class Forbidden(NotAuthorised):
    """The account is signed in but its roles do not allow this action (HTTP 403)."""


class CuratorInputError(AskScienceError):
    """A curator's input cannot be used as given; the message (Chinese) says why."""


@dataclass(frozen=True)
class Upload:
    """A file handed over by the browser: where the server keeps it for now and its original name."""

    path: Path
    name: str


@dataclass(frozen=True)
class DocumentInfo:
    source: str
    name: str
    title: str
    topic: str
    chunks: int
    status: str  # active / retired / held
    kind: str  # 上传 / 入门文章 / 其他
    updated_by: str = ""
    note: str = ""  # why a held document is held


def safe_name(name: str, max_bytes: int = 180) -> str:
    """A file name that cannot leave the upload folder: the last path part only, no control or
    reserved characters, no leading dots, at most ``max_bytes`` bytes in UTF-8 (file systems allow 255)."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = suffix.lower()[:16]
    budget = max_bytes - len(suffix.encode()) - 1
    while len(stem.encode()) > budget:
        stem = stem[:-1]
    stem = stem or "upload"
    return f"{stem}.{suffix}" if suffix else stem


class CuratorService:
    """Documents, curated answers, the review queue, the dashboard and the audit trail."""

    def __init__(self, settings: Settings, kb: KnowledgeBase, store: CurationStore, pipeline: IngestPipeline,
                 accounts: Accounts, words: SensitiveFilter | None = None, *,
                 answers: AnswerService | None = None) -> None:
        self.settings = settings
        self.answers = answers  # the citizens' answer service: the hit test and the regression check ask it
        self.kb = kb
        self.store = store
        self.pipeline = pipeline
        self.accounts = accounts
        self.review = ReviewQueue(store, kb.embedder, settings.review_group_threshold)
        self.documents_registry = DocumentRegistry(store.db)
        self.words = words or SensitiveFilter(store.words)
        self._write_lock = threading.Lock()  # one knowledge-base change at a time
        self.workflow = Workflow(settings, store, accounts, self.review, self.require, answers)

    def require(self, actor: str | None, action: Action = Action.CONSOLE) -> str:
        """The actor's name if it is an active account whose roles allow ``action`` (bot/curation/roles.py);
        :class:`NotAuthorised` for no account, :class:`Forbidden` for the wrong role."""
        roles = self.accounts.roles_of(actor)
        if not roles:
            raise NotAuthorised(texts.NOT_AUTHORISED)
        if not allowed(roles, action):
            raise Forbidden(texts.FORBIDDEN.format(roles="、".join(texts.ROLE_LABELS[r] for r in sorted(roles))))
        assert actor is not None
        return actor

    def roles(self, actor: str | None) -> frozenset[Role]:
        return self.accounts.roles_of(actor)

    def can(self, actor: str | None, action: Action) -> bool:
        return allowed(self.accounts.roles_of(actor), action)

    # ---- documents ---------------------------------------------------------------------------------
    def _check_upload(self, upload: Upload) -> tuple[bytes | None, str]:
        suffix = Path(upload.name).suffix.lower()
        if suffix not in self.settings.allowed_upload_types:
            return None, texts.UPLOAD_BAD_TYPE.format(suffix=suffix or texts.NO_SUFFIX,
                                                      allowed=self.settings.upload_types)
        try:
            size = upload.path.stat().st_size
            if size > self.settings.upload_max_mb * 1024 * 1024:
                return None, texts.UPLOAD_TOO_LARGE.format(limit=self.settings.upload_max_mb)
            return upload.path.read_bytes(), ""
        except OSError as exc:
            return None, texts.INGEST_UNREADABLE.format(detail=exc.strerror or exc)

    def _store_file(self, name: str, data: bytes) -> Path:
        folder = self.settings.upload_dir.resolve()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_name(name)
        n = 2
        while target.exists() and target.read_bytes() != data:
            target = folder / f"{Path(safe_name(name)).stem}-{n}{Path(safe_name(name)).suffix}"
            n += 1
        if target.resolve().parent != folder:  # belt and braces: never write outside the upload folder
            raise CuratorInputError(texts.UPLOAD_BAD_NAME)
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(data)
        tmp.replace(target)
        return target

    def upload(self, actor: str, uploads: Sequence[Upload], progress: Progress | None = None) -> IngestReport:
        """Check, store and ingest uploaded files. One bad file never stops the others.

        Each file is read once and hashed once (the pipeline's content hash). One decision per file:
        refused (type, size, unreadable), a duplicate of a document under another name (refused),
        or stored and handed to the pipeline, which says new / changed (ingested) or unchanged and
        returns the title and hash the document registry keeps."""
        self.require(actor, Action.UPLOAD)
        report = IngestReport()
        stored: list[tuple[Path, bytes, str, str]] = []  # path, bytes, content hash, original name
        batch: dict[str, str] = {}  # content hash -> stored name, for twins inside one upload
        with self._write_lock:
            for up in uploads:
                data, problem = self._check_upload(up)
                if data is None:
                    report.results.append(FileResult(up.name, "failed", reason=problem))
                    continue
                digest = self.pipeline.content_hash(data)
                twin = self.documents_registry.active_with_hash(digest)
                twin_name = batch.get(digest) or (Path(twin.source).name if twin is not None else None)
                if twin_name is not None and twin_name != safe_name(up.name):
                    reason = texts.UPLOAD_DUPLICATE.format(name=twin_name)
                    report.results.append(FileResult(up.name, "failed", reason=reason))
                    continue
                try:
                    path = self._store_file(up.name, data)
                except OSError as exc:
                    reason = texts.INGEST_UNREADABLE.format(detail=exc.strerror or exc)
                    report.results.append(FileResult(up.name, "failed", reason=reason))
                    continue
                batch[digest] = path.name
                stored.append((path, data, digest, up.name))
            run = self.pipeline.ingest_files([(p, data, digest) for p, data, digest, _ in stored], progress,
                                             screen=self._screen)
            by_source = {r.path: r for r in run.results}
            kept: list[Stored] = []
            for path, _data, _digest, name in stored:
                result = by_source.get(str(path.resolve()))
                if result is None:
                    continue
                report.results.append(FileResult(name, result.status, result.chunks, result.reason))
                if result.status == "failed":
                    path.unlink(missing_ok=True)
                    continue
                status = DocumentStatus.HELD if result.status == "held" else DocumentStatus.ACTIVE
                kept.append(Stored(str(path.resolve()), str(path), result.content_hash, result.title or name, status,
                                   result.reason if status == DocumentStatus.HELD else ""))
            self.documents_registry.record_uploads(actor, kept, ", ".join(u.name for u in uploads),
                                                   run.summary_line())
            report.total_chunks = run.total_chunks
        return report

    def _screen(self, text: str) -> str:
        """Why an uploaded document must wait for a curator ("" when its text has no sensitive phrase)."""
        hits = self.words.find(text)
        if not hits:
            return ""
        terms = "、".join(dict.fromkeys(h.term for h in hits))
        return texts.UPLOAD_HELD.format(n=len(hits), terms=terms[:300])

    def _title_of(self, source: str) -> str:
        chunks = self.kb.find(source=source, position=0)
        return chunks[0].title if chunks else ""

    def documents(self, actor: str, search: str = "") -> list[DocumentInfo]:
        """Documents in the knowledge base plus retired ones, filtered by a title or file-name text."""
        self.require(actor, Action.DOCUMENTS)
        upload_root = str(self.settings.upload_dir.resolve())
        starter_root = str((self.settings.starter_dir / "articles").resolve())
        found: dict[str, dict] = {}
        for meta in self.kb.all_metadata().values():
            source = str(meta.get("source", ""))
            entry = found.setdefault(source, {"title": "", "topic": "", "chunks": 0})
            entry["chunks"] += 1
            if int(meta.get("position", 1)) == 0 or not entry["title"]:
                entry["title"] = str(meta.get("title", "")) or entry["title"]
                entry["topic"] = str(meta.get("topic", "")) or entry["topic"]
        rows = self.documents_registry.all()
        out = []
        for source, entry in found.items():
            row = rows.get(source)
            kind = (texts.DOC_KIND_UPLOAD if source.startswith(upload_root) else
                    texts.DOC_KIND_STARTER if source.startswith(starter_root) else texts.DOC_KIND_OTHER)
            out.append(DocumentInfo(source, Path(source).name, entry["title"], entry["topic"], entry["chunks"],
                                    DocumentStatus.ACTIVE, kind, row.updated_by if row else ""))
        for source, row in rows.items():
            if row.status in (DocumentStatus.RETIRED, DocumentStatus.HELD) and source not in found:
                out.append(DocumentInfo(source, Path(source).name, row.title, "", 0, DocumentStatus(row.status),
                                        texts.DOC_KIND_UPLOAD if source.startswith(upload_root)
                                        else texts.DOC_KIND_STARTER, row.updated_by, row.note))
        needle = (search or "").strip().lower()
        if needle:
            out = [d for d in out if needle in d.title.lower() or needle in d.name.lower()]
        order = {DocumentStatus.HELD: 0, DocumentStatus.ACTIVE: 1, DocumentStatus.RETIRED: 2}
        return sorted(out, key=lambda d: (order.get(d.status, 3), d.kind, d.name))

    def chunks(self, actor: str, source: str) -> list[Chunk]:
        self.require(actor, Action.DOCUMENTS)
        return sorted(self.kb.find(source=source), key=lambda c: c.position)

    def retire_document(self, actor: str, source: str) -> int:
        """Take a document out of both indexes (its file is kept so it can be restored)."""
        self.require(actor, Action.DOCUMENTS)
        with self._write_lock:
            ids = sorted(self.kb.sources().get(source, _EMPTY).all_ids)
            title = self._title_of(source)
            self.kb.delete(ids)  # first: the registry and the audit then record what really happened
            self.kb.sync_keywords()
            self.documents_registry.set_status(actor, source, DocumentStatus.RETIRED, "document.retire",
                                               f"{len(ids)} chunks", title=title,
                                               stored_path=source if Path(source).exists() else "")
        return len(ids)

    def restore_document(self, actor: str, source: str) -> IngestReport:
        self.require(actor, Action.DOCUMENTS)
        with self._write_lock:
            record = self.documents_registry.get(source)
            if record is None or not record.stored_path or not Path(record.stored_path).exists():
                raise CuratorInputError(texts.DOC_CANNOT_RESTORE)
            report = self.pipeline.run([Path(record.stored_path)])
            status = DocumentStatus.RETIRED if report.failed else DocumentStatus.ACTIVE
            self.documents_registry.set_status(actor, source, status, "document.restore", report.summary_line())
        return report

    def release_document(self, actor: str, source: str) -> IngestReport:
        """A curator has read a held document and lets it in: it is ingested as it is (audited with the
        phrases it was held for)."""
        self.require(actor, Action.DOCUMENTS)
        with self._write_lock:
            record = self.documents_registry.get(source)
            if record is None or record.status != DocumentStatus.HELD:
                raise CuratorInputError(texts.DOC_NOT_HELD)
            if not record.stored_path or not Path(record.stored_path).exists():
                raise CuratorInputError(texts.DOC_CANNOT_RESTORE)
            report = self.pipeline.run([Path(record.stored_path)])
            status = DocumentStatus.HELD if report.failed else DocumentStatus.ACTIVE
            self.documents_registry.set_status(actor, source, status, "document.release",
                                               f"{report.summary_line()}; {record.note}")
        return report

    def delete_document(self, actor: str, source: str) -> int:
        """Remove a document's chunks from both indexes and, for uploads, its stored file."""
        self.require(actor, Action.DOCUMENTS)
        with self._write_lock:
            ids = sorted(self.kb.sources().get(source, _EMPTY).all_ids)
            upload_root = self.settings.upload_dir.resolve()
            self.kb.delete(ids)
            self.kb.sync_keywords()
            self.documents_registry.delete(actor, source, f"{len(ids)} chunks")
            path = Path(source).resolve()
            if path.parent == upload_root and path.is_file():
                path.unlink()
        return len(ids)

    # ---- curated answers ---------------------------------------------------------------------------
    def curated(self, actor: str, search: str = "", status: str | None = None) -> list[CuratedAnswer]:
        self.require(actor, Action.CONSOLE)
        found = self.store.answers.search(search or "", status or None)
        if not self.can(actor, Action.ASSIGNMENTS_ALL):  # an expert sees the answers they wrote, as their tasks
            found = [a for a in found if a.author == actor]
        return found

    def save_curated(self, actor: str, question: str, answer: str, paraphrases: str = "", articles: str = "",
                     verdict: str = "", answer_id: int | None = None) -> CuratedAnswer:
        """Save a draft (new) or an edit; ``paraphrases`` one per line, ``articles`` ids separated by
        commas, spaces or new lines."""
        self.workflow.require_edit(actor, answer_id)
        question, answer = (question or "").strip(), (answer or "").strip()
        paraphrases, articles, verdict = paraphrases or "", articles or "", verdict or ""
        if not question or not answer:
            raise CuratorInputError(texts.CURATED_NEEDS_TEXT)
        if len(question) > self.settings.max_question_chars or len(answer) > 4000:
            raise CuratorInputError(texts.CURATED_TOO_LONG)
        lines = [p.strip() for p in paraphrases.splitlines() if p.strip()]
        ids = [a for a in re.split(r"[\s,，、;；]+", articles) if a]
        return self.store.answers.save_draft(actor, question, answer, lines, ids, verdict.strip()[:16], answer_id)

    def set_curated_status(self, actor: str, answer_id: int, status: str) -> CuratedAnswer:
        """Publish (the four-eyes rules apply: bot/curation/workflow.py), submit, retire, or put back."""
        if status == AnswerStatus.PUBLISHED:
            return self.workflow.publish(actor, answer_id)
        if status == AnswerStatus.SUBMITTED:
            return self.workflow.submit(actor, answer_id)
        self.require(actor, Action.RETIRE)
        return self.store.answers.set_status(actor, answer_id, status)

    # ---- reviewed Q&A as spreadsheets (the logic is bot/curation/qa_io.py) ----------------------------
    def _qa(self) -> QaImporter:
        return QaImporter(self.kb, self.store.answers)

    def import_plan(self, actor: str, upload: Upload) -> ImportPlan:
        """Dry run of an .xlsx / .csv of reviewed Q&A: every row checked, nothing written. A file that cannot
        be imported at all raises :class:`~bot.curation.qa_io.QaFileRefused` (its message is for the curator)."""
        self.require(actor, Action.IMPORT)
        return self._qa().validate(upload.path, upload.name)

    def import_apply(self, actor: str, plan: ImportPlan, publish: bool = False) -> ImportResult:
        """Write the plan's valid rows in one transaction with one audit entry (drafts, or published)."""
        self.require(actor, Action.IMPORT_PUBLISH if publish else Action.IMPORT)
        return self._qa().apply(plan, actor, publish)

    def export_qa(self, actor: str, kind: str = "xlsx", status: str | None = None) -> bytes:
        """All curated answers (or those with ``status``) as an .xlsx or a .csv with a BOM."""
        self.require(actor, Action.EXPORT)
        return self._qa().export(self.store.answers.search("", status or None, limit=10**9), kind)

    def qa_template(self, actor: str, kind: str = "xlsx") -> bytes:
        self.require(actor, Action.EXPORT)
        return self._qa().template(kind)

    # ---- review, dashboard, audit ------------------------------------------------------------------
    def review_groups(self, actor: str, days: int = 30) -> list[ReviewGroup]:
        self.require(actor, Action.QUEUE)
        return self.review.groups(days)

    def dashboard(self, actor: str, days: int = 30) -> DashboardData:
        self.require(actor, Action.DASHBOARD)
        return build_dashboard(self.store, self.kb.tokenizer.tokens, days)

    def audit_log(self, actor: str, limit: int = 200) -> list[AuditEntry]:
        self.require(actor, Action.AUDIT)
        return self.store.audit.recent(limit)

    # ---- hit test and the regression of published answers ----------------------------------------
    def _answer_service(self) -> AnswerService:
        if self.answers is None:
            raise CuratorInputError(texts.HIT_TEST_UNAVAILABLE)
        return self.answers

    def hit_test(self, actor: str, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        """What a citizen would get for ``question`` (after ``history``), with ``answer.trace`` saying why.
        Nothing is logged."""
        self.require(actor, Action.HIT_TEST)
        return self._answer_service().ask(question, history, AskOptions(log=False, trace=True, channel="hit_test"))

    def regression(self, actor: str, progress: regression.Progress | None = None) -> regression.RegressionReport:
        """Re-ask every published answer's phrasings (see bot/curation/regression.py) and record the run."""
        self.require(actor, Action.REGRESSION)
        return regression.run(self._answer_service(), progress, actor)

    def last_regression(self, actor: str) -> RegressionRun | None:
        self.require(actor, Action.REGRESSION)
        return RegressionRuns(self.store.db).last()

    # ---- the sensitive-word list -------------------------------------------------------------------
    def word_list(self, actor: str) -> WordList:
        self.require(actor, Action.WORDS)
        return self.store.words.current()

    def parse_words(self, actor: str, content: str, csv: bool = False) -> WordList:
        """Read a list without saving it; its ``problems`` say which lines need fixing."""
        self.require(actor, Action.WORDS)
        return parse_csv(content) if csv else parse_text(content)

    def save_words(self, actor: str, content: str) -> WordList:
        """Replace the list with ``content`` (text form). Nothing is saved while any line has a problem."""
        wordlist = self.parse_words(actor, content)
        if wordlist.problems:
            lines = "\n".join(texts.Console.WORDS_PROBLEM_LINE.format(line=p.line_no, reason=p.reason)
                              for p in wordlist.problems[:50])
            raise CuratorInputError(texts.Console.WORDS_PROBLEMS.format(n=len(wordlist.problems), lines=lines))
        self.store.words.save(actor, wordlist)
        self.words.changed()
        return wordlist

    def export_words(self, actor: str, csv: bool = False) -> str:
        wordlist = self.word_list(actor)
        return to_csv(wordlist) if csv else to_text(wordlist)

    def try_words(self, actor: str, text: str) -> list[Hit]:
        self.require(actor, Action.WORDS)
        return self.words.find(text or "")


class _Empty:
    all_ids: frozenset[str] = frozenset()


_EMPTY = _Empty()
