"""The command line's maintenance commands (bot/__main__.py holds `run`, `check` and the parser)."""
