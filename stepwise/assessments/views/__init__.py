"""Assessment pages, split by area: in-session completion, client records, practice settings."""
