"""allauth wiring: e-mails in the member's language, and sign-up profile fields."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from directory import mail


class AccountAdapter(DefaultAccountAdapter):
    """Sends account e-mails in the recipient's preferred language when it is known,
    through the platform's mail queue (``directory/mail.py``)."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth's "Try again later" leaves a member who keeps failing without a
        # clue: say that the right password will not work either, for how long
        # (ACCOUNT_RATE_LIMITS["login_failed"] is 5 per 5 minutes per address),
        # and what else they can do.
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts. For your "
            "security, signing in is blocked for a few minutes, even with the right "
            "password. Wait five minutes and try again, or reset your password."
        ),
    }

    def send_mail(self, template_prefix, email, context):
        """Render as allauth does (its links carry keys, so in the request), then hand the
        message to a retrying task after commit: a mail server that fails delays the
        e-mail, it does not fail the sign-up or the password reset."""
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        request = allauth_context.request
        values = {"request": request, "email": email, "current_site": get_current_site(request)}
        values.update(context)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, values)
        mail.messages_send([message])

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = (translation.get_language() or "fr")[:2]
        if commit:
            user.save()
        return user
