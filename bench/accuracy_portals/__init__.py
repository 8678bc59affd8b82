"""Generators of the accuracy benchmark's portals, one module per CMS family.

Each module declares ``NAME, FAMILY, PROFILE, SITE, SEED`` and ``build(builder)``, which
fills the builder's routes (the homepage at ``/``) and ground truth. ``make(name, ...)``
runs one generator for a server address.
"""

from __future__ import annotations

from importlib import import_module

from .common import Builder

FAMILIES = ["trs", "hanweb", "ucap", "jeecms", "asp", "gbk", "jcms", "jsportal", "down"]


def module(name: str):
    return import_module(f"{__name__}.{name}")


def make(name: str, base: str, ext: str, refused: str) -> tuple[Builder, object]:
    """The built portal ``name`` for a server at ``base`` (dead external links point at
    ``ext``, refused ones at ``refused``)."""
    mod = module(name)
    b = Builder(mod.NAME, base, ext, refused, mod.SITE, mod.SEED)
    mod.build(b)
    return b, mod
