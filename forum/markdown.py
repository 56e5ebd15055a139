"""Posts' Markdown, rendered once when a post is saved, and sanitised then.

:func:`render` turns a post's Markdown into the HTML that pages serve as is,
and reports what the text refers to: the members and organisations it
mentions (``@handle``, ``@organisation-slug``) and the posts it quotes.

The pipeline, and why each step is there:

1. markdown-it-py (CommonMark, tables, strikethrough) with raw HTML *off*:
   what a member types as ``<b>`` is shown, never interpreted.
2. A walk over the tokens: headings move down two levels (a post sits under
   the page's ``<h1>`` and ``<h2>``), images become links (no remote images:
   they track readers and break the CSP), bare URLs become links, ``@names``
   become mention links, links inside quotes to ``/forum/posts/<id>/`` record
   the quoted posts, and a paragraph holding nothing but a link to a page that
   has a card (``forum/cards.py``) becomes that card.
3. nh3 (ammonia) on every piece that came from the member: a short list of
   tags and attributes, ``http``/``https``/``mailto`` URLs only, and
   ``rel="nofollow ugc noopener"`` on every link. Cards are built by our
   templates with Django's escaping, and joined after.

Mentions and card links are language-neutral paths (``/directory/...``):
the language prefix middleware sends each reader to their own language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "del",
    "s",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"a": {"mention", "mention--member", "mention--organisation"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

#: ``@name``: not after a letter, digit, ``@``, ``.``, ``/`` (e-mail addresses, paths).
MENTION_RE = re.compile(r"(?<![\w@./-])@([a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?)", re.IGNORECASE)
#: A bare URL in text (trailing punctuation stays outside).
URL_RE = re.compile(r"https?://[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?]", re.IGNORECASE)
#: Links we keep: absolute web and mail addresses, paths from the site's root, anchors.
#: Anything else (other schemes, relative paths that a browser might read otherwise) is
#: shown as its text only.
SAFE_HREF_RE = re.compile(r"^(?:https?://[^\s]|mailto:[^\s]|/(?!/)|#)", re.IGNORECASE)
#: A link to a post: what the quote button writes, with or without the language prefix.
POST_LINK_RE = re.compile(r"^(?:https?://[^/]+)?/(?:[a-z]{2}/)?forum/posts/(\d+)/?(?:[?#].*)?$")

_md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])


@dataclass
class Mentions:
    """What ``@names`` resolve to: handles of members, slugs of organisations."""

    members: dict[str, int] = field(default_factory=dict)  # handle -> user id
    organisations: dict[str, int] = field(default_factory=dict)  # slug -> organisation id


#: Resolves the ``@names`` found in a text (lowercase) to members and organisations.
MentionResolver = Callable[[set[str]], Mentions]
#: Builds a card's HTML for a same-site link, or None when the link has no card.
CardBuilder = Callable[[str], str | None]


@dataclass
class Rendered:
    html: str
    member_ids: set[int] = field(default_factory=set)
    organisation_ids: set[int] = field(default_factory=set)
    quoted_post_ids: list[int] = field(default_factory=list)


def sanitise(html: str) -> str:
    """The one sanitiser of member HTML (also used on what a card template cannot trust)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )


def _no_mentions(names: set[str]) -> Mentions:
    return Mentions()


def _no_cards(href: str) -> str | None:
    return None


def _link(href: str, text: str, css_class: str | None = None) -> list[Token]:
    attrs = {"href": href}
    if css_class:
        attrs["class"] = css_class
    opening = Token("link_open", "a", 1, attrs=attrs)
    content = Token("text", "", 0, content=text)
    return [opening, content, Token("link_close", "a", -1)]


def _split_text(text: str, mentions: Mentions, named: set[str] | None) -> list[Token]:
    """A text token's content as text, bare-URL links and mention links."""
    pieces: list[Token] = []
    position = 0
    matches = sorted(
        [(m.start(), m.end(), "url", m.group(0)) for m in URL_RE.finditer(text)]
        + [(m.start(), m.end(), "mention", m.group(1)) for m in MENTION_RE.finditer(text)]
    )
    for start, end, kind, value in matches:
        if start < position:
            continue  # inside a URL already taken
        if kind == "mention":
            name = value.lower()
            if name in mentions.members:
                link = _link(
                    f"/forum/search/?author={name}", f"@{value}", "mention mention--member"
                )
            elif name in mentions.organisations:
                link = _link(
                    f"/directory/organisations/{name}/",
                    f"@{value}",
                    "mention mention--organisation",
                )
            else:
                continue
            if named is not None:
                named.add(name)
        else:
            link = _link(value, value)
        if start > position:
            pieces.append(Token("text", "", 0, content=text[position:start]))
        pieces.extend(link)
        position = end
    if position < len(text):
        pieces.append(Token("text", "", 0, content=text[position:]))
    return pieces


def _candidate_names(tokens: list[Token]) -> set[str]:
    names = set()
    for token in tokens:
        if token.type != "inline":
            continue
        depth = 0
        for child in token.children or []:
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                names.update(m.group(1).lower() for m in MENTION_RE.finditer(child.content))
    return names


def _transform_inline(
    token: Token, mentions: Mentions, in_quote: bool, quoted: list[int], named: set[str]
):
    children: list[Token] = []
    depth = 0
    kept: list[bool] = []  # for each open link: kept, or dropped (its text stays)
    for child in token.children or []:
        if child.type == "image":
            # No remote images: the alt text becomes a link to the image.
            alt = "".join(c.content for c in (child.children or [])) or child.attrGet("src")
            children.extend(_link(str(child.attrGet("src") or ""), str(alt)))
            continue
        if child.type == "link_open":
            depth += 1
            href = str(child.attrGet("href") or "")
            kept.append(bool(SAFE_HREF_RE.match(href)))
            if not kept[-1]:
                continue
            match = POST_LINK_RE.match(href)
            if in_quote and match:
                quoted.append(int(match.group(1)))
        elif child.type == "link_close":
            depth -= 1
            if kept and not kept.pop():
                continue
        elif child.type == "text" and depth == 0:
            # Names inside a quote are the quoted author's words: linked, not notified.
            children.extend(_split_text(child.content, mentions, None if in_quote else named))
            continue
        children.append(child)
    token.children = children


def _lone_link(token: Token) -> str | None:
    """The href when a paragraph's only content is one link (a card candidate)."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if (
        len(children) == 3
        and children[0].type == "link_open"
        and children[1].type == "text"
        and children[2].type == "link_close"
    ):
        return str(children[0].attrGet("href") or "")
    return None


def render(
    body: str,
    *,
    resolve_mentions: MentionResolver = _no_mentions,
    build_card: CardBuilder = _no_cards,
) -> Rendered:
    """Render a post's Markdown to sanitised HTML, with what it mentions and quotes.

    ``resolve_mentions`` and ``build_card`` are the override points that reach
    the database (``forum/services.py`` passes the real ones); without them
    the text renders with neither mentions nor cards.
    """
    env: dict = {}
    tokens = _md.parse(body or "", env)
    mentions = resolve_mentions(_candidate_names(tokens))
    quoted: list[int] = []
    named: set[str] = set()
    quote_depth = 0
    for token in tokens:
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
        elif token.type == "inline":
            _transform_inline(token, mentions, quote_depth > 0, quoted, named)

    # Cards: a paragraph that is only a link, outside quotes and lists, to a page with a card.
    pieces: list[str] = []
    start = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (
            token.type == "paragraph_open"
            and token.level == 0
            and index + 2 < len(tokens)
            and tokens[index + 1].type == "inline"
        ):
            href = _lone_link(tokens[index + 1])
            card = build_card(href) if href else None
            if card is not None:
                pieces.append(sanitise(_md.renderer.render(tokens[start:index], _md.options, env)))
                pieces.append(card)
                index += 3
                start = index
                continue
        index += 1
    pieces.append(sanitise(_md.renderer.render(tokens[start:], _md.options, env)))

    return Rendered(
        html="".join(pieces).strip(),
        member_ids={mentions.members[n] for n in named if n in mentions.members},
        organisation_ids={
            mentions.organisations[n]
            for n in named
            if n in mentions.organisations and n not in mentions.members
        },
        quoted_post_ids=list(dict.fromkeys(quoted)),
    )


def quote_markdown(*, body: str, author_name: str, author_handle: str | None, post_id: int) -> str:
    """The Markdown the quote button puts in the reply box: the text, attributed and linked."""
    who = f"@{author_handle}" if author_handle else author_name
    lines = [f"> {who} — [#{post_id}](/forum/posts/{post_id}/)", ">"]
    lines.extend(f"> {line}" if line else ">" for line in body.strip().splitlines())
    return "\n".join(lines) + "\n\n"
