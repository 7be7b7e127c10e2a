"""The 账号 tab (administrators): the accounts with their roles and topics; add one, change roles and topics,
disable or enable it, issue an API token (shown once). Every change goes through ``Accounts`` with the admin
as the actor, so the audit trail names who did it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import gradio as gr

from bot.curation.roles import Action
from bot.curation.service import CuratorInputError, CuratorService
from bot.web.console.assign import when
from bot.web.console.common import Loads, actor, guarded, selected_row
from knowledge import texts
from knowledge.stores.accounts import AccountError, AccountInfo, parse_roles
from knowledge.types import Role

L = texts.Loop
TAB = L.TAB_ACCOUNTS
ROLE_CHOICES = [(texts.ROLE_LABELS[r], r.value) for r in Role]
TOPIC_CHOICES = [(label, key) for key, label in texts.TOPIC_LABELS.items()]


def roles_label(roles: frozenset[Role]) -> str:
    return "、".join(texts.ROLE_LABELS[r] for r in Role if r in roles)


def _rows(accounts: list[AccountInfo]) -> list[list[Any]]:
    return [[a.username, a.display_name, roles_label(a.roles),
             "、".join(texts.TOPIC_LABELS.get(t, t) for t in a.topics), L.ACCOUNT_ON if a.active else L.ACCOUNT_OFF,
             when(a.created_at), L.TOKEN_SET if a.has_token else L.TOKEN_NONE] for a in accounts]


@contextmanager
def _account_errors() -> Iterator[None]:
    try:
        yield
    except AccountError as exc:  # a ValueError with a Chinese message: show it like any curator input problem
        raise CuratorInputError(str(exc)) from None


def build(curator: CuratorService, loads: Loads) -> None:
    accounts = curator.accounts

    def admin(request: gr.Request) -> str:
        return curator.require(actor(request), Action.ACCOUNTS)

    def _name(username: str) -> str:
        name = (username or "").strip()
        if not name:
            raise CuratorInputError(L.ACCOUNT_PICK_FIRST)
        return name

    @guarded
    def list_accounts(request: gr.Request) -> list[list[Any]]:
        admin(request)
        return _rows(accounts.all())

    @guarded
    def pick(evt: gr.SelectData, request: gr.Request) -> tuple[Any, ...]:
        admin(request)
        name = evt.row_value[0] if evt.row_value else accounts.all()[selected_row(evt)].username
        found = accounts.info(str(name))
        if found is None:
            raise CuratorInputError(L.ACCOUNT_PICK_FIRST)
        return found.username, found.display_name, "", [r.value for r in found.roles], list(found.topics), ""

    @guarded
    def add(username: str, display: str, password: str, roles: list[str], topics: list[str],
            request: gr.Request) -> tuple[Any, ...]:
        who = admin(request)
        with _account_errors():
            accounts.add(_name(username), password or "", display or "", parse_roles(roles or []),
                         tuple(topics or ()), actor=who)
        return L.ADDED.format(name=username.strip()), "", list_accounts(request)

    @guarded
    def save_roles(username: str, roles: list[str], topics: list[str], request: gr.Request) -> tuple[Any, ...]:
        who = admin(request)
        name = _name(username)
        with _account_errors():
            accounts.set_roles(name, parse_roles(roles or []), actor=who)
            accounts.set_topics(name, list(topics or []), actor=who)
        return L.ROLES_SAVED.format(name=name), "", list_accounts(request)

    def set_active(active: bool, done: str) -> Callable[..., tuple[Any, ...]]:
        @guarded
        def handler(username: str, request: gr.Request) -> tuple[Any, ...]:
            who = admin(request)
            name = _name(username)
            with _account_errors():
                accounts.set_active(name, active, actor=who)
            return done.format(name=name), "", list_accounts(request)
        return handler

    @guarded
    def token(username: str, request: gr.Request) -> tuple[Any, ...]:
        who = admin(request)
        name = _name(username)
        with _account_errors():
            issued = accounts.issue_token(name, actor=who)
        return L.TOKEN_ISSUED.format(name=name), issued, list_accounts(request)

    gr.Markdown(L.ACCOUNTS_HINT)
    refresh = gr.Button(texts.Console.REFRESH)
    table = gr.Dataframe(headers=list(L.ACCOUNT_COLUMNS), interactive=False, wrap=True, max_height=320,
                         elem_id="accounts-table")
    with gr.Row():
        f_name = gr.Textbox(label=L.FIELD_USERNAME, elem_id="accounts-name")
        f_display = gr.Textbox(label=L.FIELD_DISPLAY, elem_id="accounts-display")
        f_password = gr.Textbox(label=L.FIELD_PASSWORD, type="password", elem_id="accounts-password")
    f_roles = gr.CheckboxGroup(ROLE_CHOICES, label=L.FIELD_ROLES, elem_id="accounts-roles")
    f_topics = gr.CheckboxGroup(TOPIC_CHOICES, label=L.FIELD_TOPICS, elem_id="accounts-topics")
    with gr.Row():
        add_btn = gr.Button(L.ADD, variant="primary", elem_id="accounts-add")
        save_btn = gr.Button(L.SAVE_ROLES, elem_id="accounts-save")
        disable_btn = gr.Button(L.DISABLE, variant="stop", elem_id="accounts-disable")
        enable_btn = gr.Button(L.ENABLE, elem_id="accounts-enable")
        token_btn = gr.Button(L.ISSUE_TOKEN, elem_id="accounts-token")
    message = gr.Markdown(elem_id="accounts-message")
    issued = gr.Textbox(label=L.TOKEN_FIELD, interactive=False, buttons=["copy"], elem_id="accounts-issued")

    done = [message, issued, table]
    refresh.click(list_accounts, None, [table], api_name="accounts")
    table.select(pick, None, [f_name, f_display, f_password, f_roles, f_topics, issued])
    add_btn.click(add, [f_name, f_display, f_password, f_roles, f_topics], done, api_name="account_add")
    save_btn.click(save_roles, [f_name, f_roles, f_topics], done, api_name="account_roles")
    disable_btn.click(set_active(False, L.DISABLED), [f_name], done, api_name="account_disable")
    enable_btn.click(set_active(True, L.ENABLED), [f_name], done, api_name="account_enable")
    token_btn.click(token, [f_name], done, api_name="account_token")
    loads.add(list_accounts, None, [table])
