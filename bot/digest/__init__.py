"""The weekly digest: one post in General each week (figures, trend, chart), its schedule
and the /digest settings."""
