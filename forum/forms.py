"""Forms of the forum. They parse and validate input; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import Category, Flag, ForumGroup, Reaction, Tag

BODY_HELP = _(
    "Markdown: **bold**, *italics*, > quote, - list, [link](https://…). "
    "Mention a member with @handle, or an organisation's members with @organisation-slug. "
    "A link to a directory page on its own line shows as a card."
)


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 8, "data-draft-body": ""}),
        help_text=BODY_HELP,
    )
    client_id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    attachments = forms.CharField(required=False, widget=forms.HiddenInput)

    def attachment_ids(self) -> list[int]:
        raw = self.cleaned_data.get("attachments") or ""
        return [int(value) for value in raw.split(",") if value.strip().isdigit()]


class ThreadForm(PostForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"data-draft-title": ""})
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["title", "body", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Your message")


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), help_text=BODY_HELP
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at this post?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attach a file"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the forum"), required=False, max_length=400)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, to_field_name="slug"
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=ForumGroup.objects.none(), required=False, to_field_name="slug"
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.all(), required=False, to_field_name="slug"
    )
    author = forms.CharField(label=_("Author (@handle)"), required=False, max_length=41)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, reader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.visible_to(reader)
        self.fields["group"].queryset = ForumGroup.objects.visible_to(reader)
        self.fields["category"].empty_label = _("All categories")
        self.fields["group"].empty_label = _("All groups")
        self.fields["tag"].empty_label = _("All tags")


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the moderation log)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(ModerationReasonForm):
    to = forms.ChoiceField(label=_("Move to"))

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (f"{'category' if isinstance(s, Category) else 'group'}:{s.pk}", str(s)) for s in spaces
        ]


class MergeForm(ModerationReasonForm):
    into = forms.IntegerField(
        label=_("Number of the thread to merge into"),
        help_text=_("The number in the other thread's address: /forum/threads/<number>/…"),
        min_value=1,
    )


class SplitForm(ModerationReasonForm):
    title = forms.CharField(label=_("Title of the new thread"), max_length=200)
    posts = forms.TypedMultipleChoiceField(
        label=_("Replies to move"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = [
            (p.pk, f"#{p.number} · {p.author or '—'} · {p.body[:60]}") for p in posts
        ]


class SuspendForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=3650, initial=7)
    reason = forms.CharField(
        label=_("Reason (the member will see it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InviteForm(forms.Form):
    handle = forms.CharField(label=_("Member to invite (@handle)"), max_length=41)


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Why do you want to join? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
