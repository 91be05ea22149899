"""What tests share across folders: the end-to-end world, the recorded Bot session, the
handler harness (``dp.feed_update``) and matchers built from text keys.

Folders import from here, never from another folder's ``conftest``.
"""
