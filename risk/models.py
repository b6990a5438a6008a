"""Models arrive with the work that needs them (see the issues)."""
