"""Self-service editing by organisations and validation by the directory team."""
