"""Cartographie: the portrait of the offer (coverage, gaps, overlaps, network, continuum, needs).

Every figure of the portrait comes from :mod:`directory.cartographie.coverage`
and its siblings, pure reads over a :class:`~directory.cartographie.selectors.PortraitScope`
(the public's records, or every record for the staff version). The page, the
exports and the open-data file ``/directory/coverage.csv`` call the same
functions, so that their numbers agree.

A service *serves a territory* exactly as the HSDS API says: the territory is
one of its ``service_areas`` (``Service.territories``); its locations do not
count. A service counts in a top-level category when it is filed under the
category or one of its sub-categories.
"""
