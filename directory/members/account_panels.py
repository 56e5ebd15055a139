"""Panels other apps add to the member's account page (*Mon compte*).

The directory imports no other app: the forum registers, from its
``AppConfig.ready()``, a panel such as the newcomer's welcome::

    account_panels.register(
        key="forum.welcome",
        template="forum/members/_welcome_panel.html",
        context=lambda request: {...} or None,  # None: not shown to this member
        order=10,
    )
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountPanel:
    key: str
    template: str
    context: Callable[[object], dict | None]
    order: int = 50


_PANELS: dict[str, AccountPanel] = {}


def register(*, key: str, template: str, context: Callable[[object], dict | None], order=50):
    _PANELS[key] = AccountPanel(key=key, template=template, context=context, order=order)


def panels_for(request) -> list[dict]:
    """``[{"template": ..., "context": {...}}, …]`` of the panels this member sees, in order."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        values = panel.context(request)
        if values is not None:
            shown.append({"template": panel.template, "context": values})
    return shown
