"""Canned replies: templates admins keep, agents insert through inline mode (issue 15)."""
