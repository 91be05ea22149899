"""The marketplace port (see ``port.py``) and what every adapter shares."""
