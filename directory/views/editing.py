"""Organisation admins keep their own records current (self-service editing)."""
