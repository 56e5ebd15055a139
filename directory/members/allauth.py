"""allauth wiring: e-mails in the member's language, and sign-up profile fields."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import url_str_to_user_pk
from allauth.core import context as allauth_context

from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from directory import mail


def email_language(user) -> str:
    """The language of an e-mail to this member: theirs when known, else the request's.

    The text (``AccountAdapter.send_mail``) and the links in it (the URL
    methods below) follow this one rule, so that a French e-mail never links
    to the English site.
    """
    return getattr(user, "preferred_language", None) or translation.get_language()


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
        language = email_language(context.get("user"))
        request = allauth_context.request
        values = {"request": request, "email": email, "current_site": get_current_site(request)}
        values.update(context)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, values)
        mail.messages_send([message])

    # --- Links in the e-mails: under /fr/ or /en/ as the e-mail's text ------------------

    def get_email_confirmation_url(self, request, emailconfirmation):
        user = emailconfirmation.email_address.user
        with translation.override(email_language(user)):
            return super().get_email_confirmation_url(request, emailconfirmation)

    def get_reset_password_from_key_url(self, key):
        # allauth passes only the opaque "<uid>-<token>" key; the uid names the member.
        try:
            user = get_user_model().objects.filter(pk=url_str_to_user_pk(key.split("-", 1)[0]))
            user = user.only("pk", "preferred_language").first()
        except (ValueError, TypeError):
            user = None
        with translation.override(email_language(user)):
            return super().get_reset_password_from_key_url(key)

    def send_account_already_exists_mail(self, email):
        # The address belongs to a member: their language for the text and the links.
        user = get_user_model().objects.filter(email__iexact=email).first()
        with translation.override(email_language(user)):
            return super().send_account_already_exists_mail(email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = (translation.get_language() or "fr")[:2]
        if commit:
            user.save()
        return user
