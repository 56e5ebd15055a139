"""Tournée des partenaires: the visit log, follow-ups, attachments and the needs heard."""
