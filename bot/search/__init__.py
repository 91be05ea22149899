"""/find: searching the chats a person may see (query rules, result rendering, the command)."""
