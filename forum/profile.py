"""The forum's section of organisation pages (``directory/profile_sections.py``)."""

from directory.profile_sections import ProfileSection
from forum import selectors


def organisation_discussions(organisation, *, request):
    """Recent discussions in public categories where the organisation's members took part.

    Public spaces only, whoever reads the page: one query, whatever the counts.
    """
    threads = selectors.organisation_public_threads(organisation=organisation)
    if not threads:
        return None
    return ProfileSection(template="forum/organisation_section.html", context={"threads": threads})
