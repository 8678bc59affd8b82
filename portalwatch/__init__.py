"""portalwatch: compliance crawler and monitor for government websites."""

__version__ = "0.1.0"
