"""Messages of allauth and Wagtail whose French we word ourselves.

Their French catalogues say « e-mail »; Continuum speaks Québec French and says
« courriel » everywhere. Declaring their messages here, unchanged and marked with
``gettext_noop``, brings them into our catalogue (``make messages``), whose
translations win over the packages' own because LOCALE_PATHS comes first. The
English catalogue repeats them, as it does ours.

Only messages a member or staff can meet are listed: with our settings, allauth's
form labels, errors and notices (login by e-mail only, no phone, no codes; its
e-mail templates are ours), and the words of the Wagtail admin's account page and
link chooser (its password reset is disabled). tests/cms/test_vocabulary.py fails
when an upgrade brings a new one.

Nothing imports this module: it exists for ``makemessages``.
"""

from django.utils.translation import gettext_noop

ALLAUTH_MESSAGES = (
    # allauth/account/adapter.py
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop("This email address is already associated with this account."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("You cannot add more than %d email addresses."),
    gettext_noop("The email address is not assigned to any user account."),
    gettext_noop("Your primary email address must be verified."),
    # allauth/account/fields.py, forms.py
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Email (again)"),
    gettext_noop("Email address confirmation"),
    gettext_noop("Email (optional)"),
    gettext_noop("You must type the same email each time."),
    # allauth/account/models.py
    gettext_noop("email address"),
    gettext_noop("email addresses"),
    gettext_noop("email confirmation"),
    gettext_noop("email confirmations"),
    # allauth/templates/account/messages/
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Primary email address set."),
)

WAGTAIL_MESSAGES = (
    # wagtail/admin (account page, rich text link chooser), wagtail/users
    gettext_noop("Name and Email"),
    gettext_noop("Email link"),
    gettext_noop("Add an email link"),
)
