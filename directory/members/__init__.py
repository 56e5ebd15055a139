"""Members and memberships: accounts (allauth), profiles, joining and leaving organisations."""
