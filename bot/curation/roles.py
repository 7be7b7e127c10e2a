"""Which role each curation action needs: the one table the service, the console and the JSON API check.

An account may hold several roles; an action is allowed when the account holds any role listed for it.
The checks run on the server for every call (the console hides what a role cannot use, but hiding is
only a convenience).
"""

from __future__ import annotations

from enum import StrEnum

from knowledge.types import Role

A, C, E, R = Role.ADMIN, Role.CURATOR, Role.EXPERT, Role.REVIEWER


class Action(StrEnum):
    CONSOLE = "console"  # open the console at all
    UPLOAD = "upload"
    DOCUMENTS = "documents"  # list, retire, restore, release, delete documents
    WORDS = "words"  # the sensitive-word list
    QUEUE = "queue"  # see the review queue
    ASSIGN = "assign"  # give a group of tickets to an expert
    ASSIGNMENTS_ALL = "assignments_all"  # see everyone's assignments (experts see only their own)
    DRAFT = "draft"  # write or edit a draft
    SUBMIT = "submit"  # hand a draft to the reviewers
    PUBLISH = "publish"  # approve: publish a submitted answer
    RETURN = "return"  # send a submitted answer back with a comment
    RETIRE = "retire"  # take a published answer down, or put it back
    EDIT_PUBLISHED = "edit_published"  # change the text of a live answer
    IMPORT = "import"  # Q&A import as drafts
    IMPORT_PUBLISH = "import_publish"  # Q&A import straight to published
    EXPORT = "export"  # Q&A export, template
    HIT_TEST = "hit_test"
    REGRESSION = "regression"
    DASHBOARD = "dashboard"  # the dashboard and the timeliness figures
    POSTERS = "posters"
    AUDIT = "audit"
    ACCOUNTS = "accounts"  # create accounts, change roles and topics, issue API tokens


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.CONSOLE: frozenset({A, C, E, R}),
    Action.UPLOAD: frozenset({C}),
    Action.DOCUMENTS: frozenset({C}),
    Action.WORDS: frozenset({A, C}),
    Action.QUEUE: frozenset({C, R}),
    Action.ASSIGN: frozenset({C}),
    Action.ASSIGNMENTS_ALL: frozenset({C, R}),
    Action.DRAFT: frozenset({C, E}),
    Action.SUBMIT: frozenset({C, E}),
    Action.PUBLISH: frozenset({R}),
    Action.RETURN: frozenset({R}),
    Action.RETIRE: frozenset({R}),
    Action.EDIT_PUBLISHED: frozenset({R}),
    Action.IMPORT: frozenset({C}),
    Action.IMPORT_PUBLISH: frozenset({R}),
    Action.EXPORT: frozenset({C, R}),
    Action.HIT_TEST: frozenset({A, C, E, R}),
    Action.REGRESSION: frozenset({C, R}),
    Action.DASHBOARD: frozenset({A, C, R}),
    Action.POSTERS: frozenset({C}),
    Action.AUDIT: frozenset({A, R}),
    Action.ACCOUNTS: frozenset({A}),
}


def allowed(roles: frozenset[Role], action: Action) -> bool:
    return bool(roles & PERMISSIONS[action])
