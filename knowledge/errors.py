"""The project's small error family. Messages are meant for a person to act on."""


class AskScienceError(Exception):
    """Base class: ``str(err)`` is a message a person can act on."""


class IngestError(AskScienceError):
    """A file could not be turned into chunks (unreadable, empty, scanned, unsupported)."""


class StoreError(AskScienceError):
    """The vector store, keyword index or curation database failed."""


class EmbedderUnavailable(AskScienceError):
    """The configured embedder cannot be used on this machine."""


class LLMUnavailable(AskScienceError):
    """The configured LLM endpoint failed (refused, timeout, server error, malformed stream)."""


class QuestionError(AskScienceError):
    """The question itself cannot be answered as given (empty, too long); the message is for the citizen."""


class ServiceBusy(AskScienceError):
    """Every answering slot stayed taken; the message (Chinese) asks the citizen to retry."""


class AnswerTimeout(ServiceBusy):
    """A question ran past its time budget and was stopped."""


class IllegalTransition(AskScienceError):
    """A workflow step that the item's state does not allow (publishing a draft that was not submitted, an
    author approving their own draft under four-eyes review); the message (Chinese) says why."""
