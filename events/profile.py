"""The organisation page's section of upcoming public events (``directory/profile_sections.py``).

Public events only (the public's view, whoever reads the page), at most
five, in two queries whatever their number (occurrences with their event,
and the events' hosts).
"""

from directory import profile_sections


def upcoming_events(organisation, *, request):
    from events import selectors

    occurrences = selectors.organisation_upcoming(organisation)
    if not occurrences:
        return None
    return profile_sections.ProfileSection(
        template="events/organisation_section.html",
        context={"occurrences": occurrences, "section_organisation": organisation},
    )


profile_sections.register_organisation_section("events", upcoming_events, order=10)
