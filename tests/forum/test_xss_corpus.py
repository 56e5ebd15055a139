"""An XSS payload corpus through the post pipeline: whatever a member types, the HTML we
store and serve has no script, no event handler, no dangerous URL, no foreign markup."""

import re
from html.parser import HTMLParser

import pytest

from django.urls import reverse

from forum import services

from .factories import thread_started

pytestmark = pytest.mark.django_db

BASE_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{background:red}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<base href="javascript:alert(1)//">',
    '<p onclick="alert(1)">cliquez</p>',
    "<a onmouseover=alert(1)>survol</a>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<x onclick=alert(1)>x</x>",
    "<a/href=javascript:alert(1)>x</a>",
    "<img src=`x` onerror=`alert(1)`>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<isindex action=javascript:alert(1) type=image>",
]
MARKDOWN_PAYLOADS = [
    "[clic](javascript:alert(1))",
    "[clic](JAVASCRIPT:alert(1))",
    "[clic](javascript&#58;alert(1))",
    "[clic](java\nscript:alert(1))",
    "[clic](<javascript:alert(1)>)",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[clic](vbscript:msgbox(1))",
    "[clic](  javascript:alert(1)  )",
    "[clic](%6Aavascript:alert(1))",
    '[clic]( javascript:alert(1) "titre")',
    '[clic](https://example.org "\\" onmouseover=\\"alert(1)")',
    "![image](javascript:alert(1))",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](https://example.org/x.png)',
    "<javascript:alert(1)>",
    '<https://example.org/" onmouseover="alert(1)>',
    "[ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: data:text/html,<script>alert(1)</script>",
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "# <svg onload=alert(1)>",
    "**<a href=javascript:alert(1)>x</a>**",
    'https://example.org/"><script>alert(1)</script>',
    "http://example.org/<img src=x onerror=alert(1)>",
    "@<script>alert(1)</script>",
    "javascript:alert(1)",
    "[a](https://example.org)<script>alert(1)</script>",
]
WRAPPERS = [
    "{}",
    "Avant {} après",
    "> {}",
    "- {}",
]

CORPUS = [
    wrapper.format(payload)
    for payload in BASE_PAYLOADS + MARKDOWN_PAYLOADS
    for wrapper in (WRAPPERS if payload in BASE_PAYLOADS[:15] else WRAPPERS[:2])
]

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
    "aside",  # cards, built by our template
}
SAFE_URL = re.compile(r"^(https?://|mailto:|/|#|\?)", re.IGNORECASE)


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name in ("style", "src", "srcdoc", "action", "formaction", "background"):
                self.problems.append(f"attribute {name}")
            if name == "href":
                cleaned = re.sub(r"[\x00-\x20]", "", value or "")
                if not SAFE_URL.match(cleaned):
                    self.problems.append(f"url {value!r}")
        if tag == "a":
            rel = dict(attrs).get("rel") or ""
            if not {"nofollow", "ugc", "noopener"} <= set(rel.split()):
                self.problems.append(f"rel {rel!r}")

    def handle_comment(self, data):
        self.problems.append("comment")


def problems_in(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def test_the_corpus_has_more_than_a_hundred_payloads():
    assert len(CORPUS) >= 100


@pytest.mark.parametrize("payload", CORPUS)
def test_a_payload_renders_to_harmless_html(payload):
    html = services.body_render(payload).html
    assert problems_in(html) == [], html
    assert "<script" not in html.lower()


def test_the_inspector_catches_what_it_looks_for():
    """The check above would fail on unsafe HTML (a test that cannot fail is a defect)."""
    assert problems_in('<img src=x onerror="alert(1)">')
    assert problems_in('<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>')
    assert problems_in('<a href="https://example.org">x</a>')  # no rel
    assert problems_in("<p style='color:red'>x</p>")


def test_payloads_posted_through_the_pages_are_served_sanitised(
    client, forum_member, public_category, site
):
    thread = thread_started(public_category, forum_member)
    client.force_login(forum_member)
    for payload in BASE_PAYLOADS[:10] + MARKDOWN_PAYLOADS[:10]:
        client.post(reverse("forum:reply", args=[thread.pk]), {"body": payload})
    response = client.get(reverse("forum:thread", args=[thread.pk, thread.slug]) + "?page=2")
    first = client.get(reverse("forum:thread", args=[thread.pk, thread.slug]))
    for page in (first, response):
        content = page.content.decode()
        bodies = re.findall(r'<div class="forum-post__body">(.*?)</div>', content, re.S)
        assert bodies
        for body in bodies:
            assert problems_in(body) == [], body
    assert thread.posts.count() == 21
