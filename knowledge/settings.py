"""One settings object for the whole application, read from ``ASKSCI_*`` env vars and ``.env``.

Build it once (``Settings()``) at the entry point and pass it down; nothing else reads env vars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All tunables. Every field maps to ``ASKSCI_<FIELD_NAME>`` (upper-case)."""

    model_config = SettingsConfigDict(
        env_prefix="ASKSCI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(Path("data"), description="All state: Chroma, keyword index, databases, caches.")

    # Embeddings
    embedder: Literal["default", "openai", "hash"] = Field(
        "default", description="default = bundled offline model; openai = /v1/embeddings endpoint; hash = tests."
    )
    embedding_base_url: str | None = Field(None, description="OpenAI-compatible embeddings endpoint (embedder=openai).")
    embedding_api_key: SecretStr | None = Field(None, description="API key for the embeddings endpoint.")
    embedding_model: str = Field("text-embedding-3-small", description="Embedding model name (embedder=openai).")
    embedding_batch_size: int = Field(32, ge=1, le=1024, description="Texts per embedding call.")
    embedding_threads: int = Field(
        1, ge=1, le=64, description="CPU threads per call of the bundled embedder. 1 is fastest under load: "
        "questions run side by side, and idle OpenMP threads would spin on the cores (measured: 76 ms of CPU "
        "per answer with 1 thread, 264 ms with 2, on 2 cores; docs/benchmarks.md).")

    # Vector store
    chroma_host: str | None = Field(None, description="Chroma server host; empty = embedded Chroma under data_dir.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    collection_prefix: str = Field("askscience", description="Prefix of the Chroma collection name (ASCII).")

    # Splitting
    chunk_size: int = Field(360, ge=80, le=2000, description="Target chunk length in characters.")
    chunk_overlap: int = Field(80, ge=0, le=1000, description="Overlap between neighbouring chunks, in characters.")

    # Knowledge content
    glossary_path: Path = Field(
        Path(__file__).resolve().parent / "glossary.tsv", description="Science glossary (jieba user dict)."
    )
    starter_dir: Path = Field(
        Path(__file__).resolve().parent, description="Shipped starter content (articles/, qa/)."
    )

    # Retrieval and answering
    top_k: int = Field(5, ge=1, le=50, description="Sources given to the composer.")
    candidate_k: int = Field(30, ge=5, le=200, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = Field(5, ge=1, description="Reciprocal-rank-fusion constant (chosen by measurement on the dev set).")
    curated_threshold: float = Field(
        0.97, description="Query cosine for a curated hit when the embedder has no trained match model.")
    evidence_threshold: float = Field(
        0.906, description="No answer when best dense cosine + keyword_weight·ln(1+best BM25) is below this."
    )
    evidence_keyword_weight: float = Field(0.015, ge=0, description="Weight of the BM25 evidence (see above).")
    evidence_latin_offset: float = Field(
        0.08, ge=0, description="Lower evidence bar for questions written mostly in Latin letters (English): "
        "cross-lingual cosines run about this much lower (measured on the citizen suite's work split).")
    max_question_chars: int = Field(500, ge=10, description="Longer questions are refused with a message.")
    curation_db_url: str | None = Field(None, description="SQLAlchemy URL; empty = SQLite under data_dir.")
    answer_chars: int = Field(150, ge=50, le=2000,
                              description="Ceiling of an extractive answer (characters); it stops once answered.")

    # LLM (optional)
    llm_base_url: str | None = Field(None, description="OpenAI-compatible chat endpoint base URL.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the chat endpoint.")
    llm_model: str | None = Field(None, description="Chat model name; empty = no LLM, extractive answers.")
    llm_timeout: float = Field(20.0, gt=0, description="Seconds before an LLM call is abandoned.")
    share_personal_data: bool = Field(False, description="Send questions to an external LLM or embedding endpoint "
                                      "as typed. Off: phone, ID-card and bank-card numbers, e-mail and street "
                                      "addresses are replaced by placeholders first (they are never logged).")
    filing_number: str = Field("", description="The generative-AI service filing number (备案号) shown in the page "
                               "footer with the model name.")
    llm_max_retries: int = Field(1, ge=0, le=5, description="Retries of a failed LLM call.")

    # Web app
    max_concurrent_answers: int = Field(16, ge=1, description="Questions answered at once; more wait briefly.")
    web_threads: int = Field(128, ge=8, description="Requests the web server handles in threads at once. A "
                             "question waiting for an answering slot holds a thread, so keep this well above "
                             "max_concurrent_answers: a kept answer must never wait behind new ones.")
    answer_cache_size: int = Field(2048, ge=0, description="First questions (no earlier turns) whose finished "
                                   "answers are kept, so the same question asked again is answered at once; "
                                   "0 = off. Every question is still logged and a declined one opens its ticket.")
    answer_cache_seconds: float = Field(60.0, gt=0, description="A kept answer is used for at most this long; any "
                                        "change to the knowledge base, the reviewed answers or the sensitive-word "
                                        "list retires it at once.")
    busy_wait_seconds: float = Field(10.0, ge=0, description="How long a question waits for a free slot before "
                                     "the citizen is told the service is busy.")
    session_hours: float = Field(8.0, gt=0, description="A curator login expires after this many hours.")
    login_max_failures: int = Field(5, ge=1, description="Wrong passwords before a curator name is locked out.")
    login_lockout_minutes: float = Field(15.0, gt=0, description="Lockout window after too many wrong passwords.")
    cookie_secure: bool = Field(False, description="Mark the login cookie Secure (set when served over HTTPS).")
    upload_max_mb: float = Field(20.0, gt=0, description="Largest file a curator may upload, in MB.")
    upload_types: str = Field(".txt,.md,.html,.htm,.pdf,.docx", description="File types a curator may upload.")
    min_free_mb: float = Field(100.0, ge=0, description="Ingestion stops before the data dir's disk has less free.")
    question_log_days: int = Field(180, ge=1, description="Logged questions and their feedback are deleted after "
                                   "this many days (the app purges them itself, once at start and then daily).")
    review_group_threshold: float = Field(0.93, description="Query cosine above which review-queue questions group.")

    # The communicator loop (tickets, assignment, four-eyes review; docs/curation.md)
    tickets: bool = Field(True, description="Declined, 👎 and reported answers give the citizen a ticket code.")
    ticket_due_hours: float = Field(48.0, gt=0, description="Default time an assigned expert has to answer.")
    review_months: int = Field(12, ge=1, description="An article or reviewed answer without its own review-by date "
                               "is due for review this many months after it was last reviewed (到期复核).")
    self_approval: bool = Field(False, description="Let the author of a reviewed answer publish it too "
                                "(one-person teams); every self-approval is written to the audit trail.")
    answer_webhook_url: str = Field("", description="POSTed a JSON body for each published answer with its "
                                    "ticket codes (for platforms that notify their users themselves).")
    answer_webhook_secret: str = Field("", description="If set, the webhook body is signed: header "
                                       "X-AskScience-Signature = sha256=HMAC-SHA256(secret, body) in hex.")

    # Abuse limits (see docs/security.md)
    history_max_turns: int = Field(6, ge=0, le=50, description="Earlier turns of a conversation that are kept.")
    history_answer_chars: int = Field(2000, ge=100, description="Earlier answers are cut to this many characters.")
    max_request_kb: int = Field(256, ge=8, description="Largest request body outside curator uploads, in KB.")
    answer_budget_seconds: float = Field(8.0, gt=0, description="A question still being worked on after this "
                                         "many seconds is stopped with a message.")
    rate_questions_per_minute: int = Field(30, ge=1, description="Questions one client address may ask a minute.")
    rate_channel_per_minute: int = Field(600, ge=1, description="Questions one platform channel (one API key) may "
                                         "ask a minute through /v1/chat/completions, whatever the addresses.")
    rate_feedback_per_minute: int = Field(10, ge=1, description="Feedback and reports one address may send a minute.")
    login_max_per_address: int = Field(20, ge=1, description="Login attempts one address may make per lockout "
                                       "window, whatever the names.")
    login_name_ceiling: int = Field(100, ge=1, description="Wrong passwords for one name from all addresses per "
                                    "lockout window before that name is refused everywhere.")
    trusted_proxies: str = Field("", description="Comma-separated proxy addresses whose X-Forwarded-For / "
                                 "X-Forwarded-Proto / X-Forwarded-Host are believed; empty = none.")
    public_reviewer: str = Field("AskScience 编辑部", description="Reviewer name citizens see when a curator "
                                 "account has no display name.")
    file_cache_hours: float = Field(1.0, gt=0, description="Gradio's temporary files older than this are deleted.")

    @property
    def trusted_proxy_set(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def allowed_upload_types(self) -> set[str]:
        return {t.strip().lower() for t in self.upload_types.split(",") if t.strip()}

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def db_url(self) -> str:
        return self.curation_db_url or f"sqlite:///{(self.data_dir / 'curation.sqlite3').resolve()}"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"
