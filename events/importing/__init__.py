"""Partner calendars imported into the community calendar and kept in sync by UID."""
