"""Wildberries buyer-chat connector: the low-level client (``client.WildberriesClient``)."""
