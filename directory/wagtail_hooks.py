"""Wagtail admin wiring for the directory.

One section per concern, each owned by the engineer who wrote it. Add a new
section at the end rather than editing another one; keep the heavy code in
the concern's own module and only register it here.
"""

from wagtail import hooks  # noqa: F401  (used by the sections below)

# =============================================================================
# Self-service editing: the "Directory" admin menu (validation queue of change
# requests, and staff management of organisations, services, locations,
# initiatives, partnerships, memberships and reference data).
# Code in directory/admin_editing.py.
# =============================================================================
