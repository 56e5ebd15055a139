"""Form pages (contact, sign-ups): Wagtail's forms, with the notice e-mail sent by a task.

Submissions are kept and exported from the admin (Wagtail's CSV and XLSX
export, under Forms). The notice to the addresses of "to address" goes
through ``directory/mail.py``: one retrying task per address, after commit,
so that a failing mail server never fails the visitor's submission.
"""

from django.core.mail import EmailMessage
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from directory.mail import messages_send, subject_line

from .base import TranslationStateMixin


class FormField(AbstractFormField):
    page = ParentalKey("cms.FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(TranslationStateMixin, AbstractEmailForm):
    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(
        _("thank-you text"), blank=True, help_text=_("Shown once the form is sent.")
    )

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Notice by e-mail"),
        ),
    ]
    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage", "cms.LineOfWorkPage"]
    subpage_types: list[str] = []
    template = "cms/form_page.html"
    landing_page_template = "cms/form_page_landing.html"

    class Meta:
        verbose_name = _("form page")
        verbose_name_plural = _("form pages")

    def get_submissions_list_view_class(self):
        from cms.form_submissions import SafeSubmissionsListView

        return SafeSubmissionsListView

    def send_mail(self, form):
        """One message per address, sent by a retrying task once the submission is saved."""
        body = self.render_email(form)
        addresses = [address.strip() for address in self.to_address.split(",") if address.strip()]
        messages_send(
            EmailMessage(
                subject=subject_line(self.subject or str(self.title)),
                body=body,
                from_email=self.from_address or None,
                to=[address],
            )
            for address in addresses
        )
