"""StreamField blocks shared by the site's pages.

Every image carries its alternative text in the block (required), so that no
page can show an image without one; documents keep their title and
description on the document itself (``cms.models.documents.Document``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class ImageWithAltBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_(
            "What the image shows, for people who cannot see it (read aloud by screen readers)."
        ),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("image")
        template = "cms/blocks/image.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(
        label=_("link text"), required=False, help_text=_("Leave empty to use the title.")
    )

    class Meta:
        icon = "doc-full"
        label = _("document")
        template = "cms/blocks/document.html"


class LinkStructValue(blocks.StructValue):
    def url(self) -> str:
        page = self.get("page")
        if page is not None:
            return page.localized.url
        return self.get("link_url") or ""


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("button text"), max_length=80)
    description = blocks.CharBlock(label=_("description"), required=False)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    link_url = blocks.CharBlock(
        label=_("or address"),
        required=False,
        help_text=_("An address on this site (/events/feed.ics) or elsewhere (https://…)."),
    )

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("link_url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "link_url": ValidationError(_("Choose a page or write an address, not both."))
                }
            )
        link = value.get("link_url") or ""
        if link and not link.startswith(("/", "https://", "http://", "webcal://", "mailto:")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "link_url": ValidationError(_("Start the address with / or https://."))
                }
            )
        return value

    class Meta:
        icon = "link"
        label = _("call to action")
        template = "cms/blocks/call_to_action.html"
        value_class = LinkStructValue


class AccordionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False)
    items = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("question", blocks.CharBlock(label=_("question"))),
                ("answer", blocks.RichTextBlock(label=_("answer"))),
            ],
            label=_("question"),
        ),
        label=_("questions"),
    )

    class Meta:
        icon = "list-ul"
        label = _("questions and answers")
        template = "cms/blocks/accordion.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("who said it"), required=False)

    class Meta:
        icon = "openquote"
        label = _("quote")
        template = "cms/blocks/quote.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


def body_blocks() -> list[tuple[str, blocks.Block]]:
    """The usual blocks of a page's body, in the order editors see them."""
    return [
        ("rich_text", blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)),
        ("image", ImageWithAltBlock()),
        ("document", DocumentLinkBlock()),
        ("call_to_action", CallToActionBlock()),
        ("accordion", AccordionBlock()),
        (
            "table",
            TableBlock(
                label=_("table"),
                table_options={"renderer": "text", "autoColumnSize": False},
                template="cms/blocks/table.html",
            ),
        ),
        (
            "embed",
            EmbedBlock(label=_("video or embedded content"), template="cms/blocks/embed.html"),
        ),
        ("quote", QuoteBlock()),
    ]
