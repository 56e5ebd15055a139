"""allauth wiring: e-mails in the member's language, and sign-up profile fields."""

from allauth.account.adapter import DefaultAccountAdapter

from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Sends account e-mails in the recipient's preferred language when it is known."""

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
