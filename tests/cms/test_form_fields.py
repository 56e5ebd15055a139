"""Form fields tell screen readers their hint and every error (WCAG 1.3.1, 3.3.1).

Each control's aria-describedby must name elements that hold its hint and all its
errors, whichever template draws it: ours (components/field.html) or allauth's
element (templates/allauth/elements/field.html).
"""

from html.parser import HTMLParser

from django import forms
from django.template import Context, Origin, Template
from django.template.loader import render_to_string


class _Elements(HTMLParser):
    """Every element's attributes by id, and the text inside each element with an id."""

    def __init__(self):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.text: dict[str, str] = {}
        self.controls: list[dict] = []
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        attributes["tag"] = tag
        if attributes.get("id"):
            self.by_id[attributes["id"]] = attributes
            self.text[attributes["id"]] = ""
        if tag in {"input", "select", "textarea", "fieldset"}:
            self.controls.append(attributes)
        if tag not in {"input", "br", "img", "meta", "link"}:
            self._open.append(attributes.get("id"))

    def handle_endtag(self, tag):
        if tag not in {"input", "br", "img", "meta", "link"} and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.text[element_id] += data


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def description_of(elements: _Elements, control: dict) -> str:
    ids = (control.get("aria-describedby") or "").split()
    assert all(i in elements.by_id for i in ids), f"aria-describedby names a missing id: {ids}"
    return " ".join(elements.text[i] for i in ids)


class TwoErrorsForm(forms.Form):
    email = forms.CharField(help_text="The address we write to.")
    language = forms.ChoiceField(
        choices=[("fr", "Français"), ("en", "English")],
        widget=forms.RadioSelect,
        help_text="For our e-mails.",
    )

    def clean(self):
        self.add_error("email", "First problem.")
        self.add_error("email", "Second problem.")
        self.add_error("language", "Choose one.")
        return self.cleaned_data


def test_every_error_of_a_field_is_in_its_input_description():
    form = TwoErrorsForm(data={"email": "x", "language": "fr"})
    elements = parse(render_to_string("components/field.html", {"field": form["email"]}))

    email = next(c for c in elements.controls if c.get("name") == "email")
    description = description_of(elements, email)
    assert "The address we write to." in description
    assert "First problem." in description
    assert "Second problem." in description
    assert email.get("aria-invalid") == "true"


def test_a_field_without_error_is_described_by_its_hint_only():
    form = TwoErrorsForm(initial={"email": "x"})
    elements = parse(render_to_string("components/field.html", {"field": form["email"]}))

    email = next(c for c in elements.controls if c.get("name") == "email")
    assert description_of(elements, email) == "The address we write to."
    assert "aria-invalid" not in email


def test_a_group_of_radio_buttons_is_a_fieldset_described_by_its_hint_and_errors():
    form = TwoErrorsForm(data={"email": "x", "language": "fr"})
    elements = parse(render_to_string("components/field.html", {"field": form["language"]}))

    fieldset = next(c for c in elements.controls if c["tag"] == "fieldset")
    description = description_of(elements, fieldset)
    assert "For our e-mails." in description
    assert "Choose one." in description


def test_allauth_element_field_lists_its_errors_in_the_input_description():
    errors = forms.utils.ErrorList(["This address is taken.", "Try another."])
    template = Template(
        "{% load allauth %}"
        '{% element field type="email" name="email" id="id_email" errors=errors %}'
        "{% slot label %}Email{% endslot %}{% slot help_text %}We confirm it.{% endslot %}"
        "{% endelement %}",
        origin=Origin(name="test", template_name="test.html"),  # allauth's tag reads its name
    )
    elements = parse(template.render(Context({"errors": errors})))

    email = next(c for c in elements.controls if c.get("name") == "email")
    description = description_of(elements, email)
    assert "We confirm it." in description
    assert "This address is taken." in description
    assert "Try another." in description
    assert email.get("aria-invalid") == "true"
