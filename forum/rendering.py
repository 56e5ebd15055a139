"""The thread page's posts, rendered in Python rather than by the template engine.

A page of 20 posts through a template component cost most of the page's
time (some 400 template nodes a post: conditions, translations, forms);
the same markup built here with escaping is many times faster, and the thread
page is the forum's hot path (issue 9: at least 3× Spirit's topic page).
The markup, classes and texts are those the component had: the browser
tests and axe-core check them. Every value from the database is escaped;
``post.html`` is the sanitised HTML saved with the post (``forum/markdown.py``).

Override point: :func:`post_article` for one post, given :class:`PageContext`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext


@dataclass
class PageContext:
    """What every post of a page shares: the reader's rights in the thread, the CSRF field."""

    csrf_input: str
    may_reply: bool
    may_accept: bool
    may_moderate: bool
    page: int

    def __post_init__(self):
        # Translated once per page, not once per post.
        self.text = {
            "former": escape(gettext("Former member")),
            "accepted": escape(gettext("Accepted answer")),
            "auto_hidden": escape(gettext("This post is hidden while a moderator reviews it.")),
            "hidden": escape(gettext("This post was hidden by a moderator.")),
            "auto_hidden_own": escape(
                gettext(
                    "Hidden after flags, awaiting a moderator: only you and the moderators see it."
                )
            ),
            "hidden_own": escape(
                gettext("Hidden by a moderator: only you and the moderators see it.")
            ),
            "attachments": escape(gettext("Attachments")),
            "reactions": escape(gettext("Reactions")),
            "quote": escape(gettext("Quote")),
            "edit": escape(gettext("Edit")),
            "unaccept": escape(gettext("Unmark as accepted answer")),
            "accept": escape(gettext("Accept as answer")),
            "flag": escape(gettext("Flag")),
            "restore": escape(gettext("Restore")),
            "hide": escape(gettext("Hide")),
        }


def _moment(value) -> tuple[str, str]:
    local = timezone.localtime(value)
    return dateformat.format(local, "c"), dateformat.format(local, "j M Y, H:i")


def _author(post, text: dict) -> str:
    name = (
        f"<strong>{escape(post.author.public_name)}</strong>"
        if post.author
        else (f"<strong>{text['former']}</strong>")
    )
    organisations = ", ".join(
        f'<a href="{escape(m.organisation_url)}">{escape(m.organisation.i18n.name)}</a>'
        for m in post.author_memberships
    )
    if organisations:
        name += f'<span class="forum-post__organisations">, {organisations}</span>'
    return name


def _attachments(post, text: dict) -> str:
    if not post.attachment_list:
        return ""
    items = []
    for attachment in post.attachment_list:
        url, name = escape(attachment.url), escape(attachment.original_name)
        if attachment.is_image:
            items.append(
                f'<li><a href="{url}"><img src="{url}" alt="{name}" loading="lazy" '
                f'class="forum-attachment__image"></a></li>'
            )
        else:
            size = escape(filesizeformat(attachment.size))
            items.append(
                f'<li><a href="{url}">{name}</a> <span class="forum-meta">({size})</span></li>'
            )
    return f'<ul class="forum-attachments" aria-label="{text["attachments"]}">{"".join(items)}</ul>'


def _reactions(post, context: PageContext) -> str:
    items = []
    for reaction in post.reaction_summary:
        label = escape(reaction["label"])
        emoji = reaction["emoji"]
        if post.may_react:
            pressed = "true" if reaction["mine"] else "false"
            items.append(
                f'<li><form method="post" action="{post.url}react/" data-reaction>'
                f'{context.csrf_input}<input type="hidden" name="kind" value="{reaction["kind"]}">'
                f'<button type="submit" class="forum-reaction" aria-pressed="{pressed}">'
                f'<span aria-hidden="true">{emoji}</span> <span class="visually-hidden">{label}'
                f"</span> <span data-count>{reaction['count']}</span></button></form></li>"
            )
        elif reaction["count"]:
            items.append(
                f'<li><span class="forum-reaction forum-reaction--static"><span aria-hidden="true">'
                f'{emoji}</span> <span class="visually-hidden">{label}</span> '
                f"{reaction['count']}</span></li>"
            )
    text = context.text
    return f'<ul class="forum-reactions" aria-label="{text["reactions"]}">{"".join(items)}</ul>'


def _actions(post, context: PageContext) -> str:
    text, items = context.text, []
    if context.may_reply and not post.is_hidden:
        page = f"page={context.page}&amp;" if context.page > 1 else ""
        items.append(
            f'<li><a href="?{page}quote={post.pk}#reply" data-quote="{post.url}quote/">'
            f"{text['quote']}</a></li>"
        )
    if post.may_edit:
        items.append(f'<li><a href="{post.url}edit/">{text["edit"]}</a></li>')
    if context.may_accept and post.number > 1 and not post.is_hidden:
        label = text["unaccept"] if post.is_solution else text["accept"]
        items.append(
            f'<li><form method="post" action="{post.url}accept/" class="inline-form">'
            f'{context.csrf_input}<button type="submit" class="link-button">{label}</button>'
            f"</form></li>"
        )
    if post.may_flag and not post.is_hidden:
        items.append(f'<li><a href="{post.url}flag/">{text["flag"]}</a></li>')
    if context.may_moderate:
        action, label = ("restore", text["restore"]) if post.is_hidden else ("hide", text["hide"])
        items.append(
            f'<li><form method="post" action="{post.url}moderate/" class="inline-form">'
            f'{context.csrf_input}<input type="hidden" name="action" value="{action}">'
            f'<button type="submit" class="link-button">{label}</button></form></li>'
        )
        if post.flag_count:
            flags = escape(
                ngettext("%(counter)s flag", "%(counter)s flags", post.flag_count)
                % {"counter": post.flag_count}
            )
            items.append(f'<li><span class="badge badge--warning">{flags}</span></li>')
    return f'<ul class="forum-post__actions">{"".join(items)}</ul>'


def post_article(post, context: PageContext) -> SafeString:
    """One post as an ``<article>``; hidden posts as a placeholder unless the reader may
    read them (their author, the space's moderators)."""
    text = context.text
    classes = "forum-post"
    if post.is_hidden:
        classes += " forum-post--hidden"
    if post.is_solution:
        classes += " forum-post--solution"
    number = post.number
    machine, human = _moment(post.created_at)
    meta = [
        f'<a href="#post-{number}" class="forum-post__permalink">#{number}</a>',
        f' · <time datetime="{machine}">{escape(human)}</time>',
    ]
    if post.edit_count:
        edited = escape(
            ngettext("edited once", "edited %(counter)s times", post.edit_count)
            % {"counter": post.edit_count}
        )
        meta.append(f' · <a href="{post.url}history/">{edited}</a>')
    if post.is_solution:
        meta.append(f' · <span class="badge badge--success">{text["accepted"]}</span>')
    if post.is_hidden and not post.may_read_text:
        placeholder = text["auto_hidden"] if post.state == "auto_hidden" else text["hidden"]
        body = f'<p class="forum-post__placeholder">{placeholder}</p>'
    else:
        body = ""
        if post.is_hidden:
            notice = text["auto_hidden_own"] if post.state == "auto_hidden" else text["hidden_own"]
            body = f'<p class="message message--warning">{notice}</p>'
        body += f'<div class="forum-post__body">{post.html}</div>' + _attachments(post, text)
    footer = (_reactions(post, context) if not post.is_hidden else "") + _actions(post, context)
    # Every value above is escaped; post.html is the sanitised HTML saved with the post.
    return mark_safe(
        f'<article class="{classes}" id="post-{number}" aria-labelledby="post-{number}-author">'
        f'<header class="forum-post__header"><p class="forum-post__author" '
        f'id="post-{number}-author">{_author(post, text)}</p>'
        f'<p class="forum-meta">{"".join(meta)}</p></header>'
        f'{body}<footer class="forum-post__footer">{footer}</footer></article>'
    )
