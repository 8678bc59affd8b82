"""The inspectors' web workplace (``portalwatch serve``): see web/app.py."""
