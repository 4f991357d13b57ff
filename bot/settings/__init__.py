"""Per-server settings: the record, and the service every feature reads them through."""
