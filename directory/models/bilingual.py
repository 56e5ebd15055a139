"""French-first content with optional English versions.

Records are written in French (``name``); an optional English version lives
beside it (``name_en``). On the English site the English text is shown when
there is one, and otherwise the French text, flagged so that templates can
say so and mark it ``lang="fr"`` for screen readers.
"""

from django.utils import translation


class LocalizedText(str):
    """A string that knows whether it is a fallback to another language."""

    lang: str
    fallback: bool

    def __new__(cls, value: str, *, lang: str, fallback: bool) -> "LocalizedText":
        obj = super().__new__(cls, value)
        obj.lang = lang
        obj.fallback = fallback
        return obj


class _LocalizedAccessor:
    def __init__(self, instance):
        self._instance = instance

    def __getattr__(self, field: str) -> LocalizedText:
        if field.startswith("_"):
            raise AttributeError(field)
        return self._instance.localized(field)

    def __getitem__(self, field: str) -> LocalizedText:
        return self._instance.localized(field)


class BilingualMixin:
    """Adds ``localized(field)`` and ``obj.i18n.<field>`` to a model.

    Override point: ``bilingual_fields``, the names that have an ``_en`` twin.
    """

    bilingual_fields: tuple[str, ...] = ()

    def localized(self, field: str, language: str | None = None) -> LocalizedText:
        language = (language or translation.get_language() or "fr")[:2]
        french = getattr(self, field) or ""
        if language == "en":
            english = getattr(self, f"{field}_en", "") or ""
            if english:
                return LocalizedText(english, lang="en", fallback=False)
            return LocalizedText(french, lang="fr", fallback=bool(french))
        return LocalizedText(french, lang="fr", fallback=False)

    @property
    def i18n(self) -> _LocalizedAccessor:
        return _LocalizedAccessor(self)
