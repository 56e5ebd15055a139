"""Directory views, one module per concern: public pages, accounts, self-service editing."""
