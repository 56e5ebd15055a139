"""What every page of the site shares: the state of its translation."""

from django.db import models


class TranslationStateMixin(models.Model):
    """A page that knows whether its content is in its own language.

    With ``WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE`` every French page has a
    place in the English tree from the start: an *alias* that shows the French
    content until someone translates it. Templates ask
    :meth:`content_language` and mark such a page ``lang="fr"`` with a notice.
    """

    class Meta:
        abstract = True

    def content_language(self) -> str:
        """The language of the content when it is not the page's own ("" otherwise)."""
        if self.alias_of_id is None:
            return ""
        source = self.alias_of
        if source.locale_id == self.locale_id:
            return ""
        return source.locale.language_code

    def is_untranslated(self) -> bool:
        return bool(self.content_language())
