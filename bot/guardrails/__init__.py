"""Checks on every text about to reach a buyer (agents, drafts, auto-replies): pure
functions of the text, below every feature so any of them may police a reply."""
