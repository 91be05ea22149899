"""Yandex Market's buyer chats (Partner API ``/v2/businesses/{businessId}/chats…``).

``client.py`` is the low-level typed client (limits, errors, retries), ``adapter.py`` the
marketplace port's adapter on top of it. See ``docs/marketplaces.md``.
"""
