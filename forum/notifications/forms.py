from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import NotificationSettings, WatchLevel

LEVEL_HELP = {
    WatchLevel.WATCHING: _("A notification for every new post."),
    WatchLevel.TRACKING: _("Followed; a notification when someone mentions or quotes you."),
    WatchLevel.NORMAL: _("A notification when someone mentions or quotes you."),
    WatchLevel.MUTED: _("No notification at all, not even mentions."),
}


class NotificationSettingsForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail me my notifications"),
        choices=NotificationSettings.Frequency.choices,
        widget=forms.RadioSelect,
    )
    include_content = forms.BooleanField(
        label=_("Include the text of posts in e-mails"),
        required=False,
        help_text=_(
            "Unchecked, e-mails say only what happened and where, with a link: "
            "the text stays on the site."
        ),
    )


class WatchForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Notifications"), choices=WatchLevel.choices, coerce=int)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
