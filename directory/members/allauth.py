"""allauth wiring: e-mails in the member's language, and sign-up profile fields."""

from allauth.account.adapter import DefaultAccountAdapter

from django.utils import translation
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Sends account e-mails in the recipient's preferred language when it is known."""

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
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            return super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = (translation.get_language() or "fr")[:2]
        if commit:
            user.save()
        return user
