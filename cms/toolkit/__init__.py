"""The toolkit's behaviour: subscriptions, version announcements, the forum's slot."""
