"""portalwatch: compliance crawler and monitor for government websites."""

import importlib.machinery as _machinery
import sys as _sys

__version__ = "0.1.0"


class _SqliteUtilsWithoutNumpy:
    """sqlite-utils imports numpy (and pandas) when installed, only to store their number types,
    which portalwatch never stores: ~0.15-0.3 s of CPU in every audit process (at 14,000 sites a
    night, about an hour). This import hook runs ``sqlite_utils.db`` with both hidden; they stay
    importable for anything else (they are hidden only while that one module runs)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "sqlite_utils.db" or "numpy" in _sys.modules:
            return None
        spec = _machinery.PathFinder.find_spec(name, path)
        if spec is None or not isinstance(spec.loader, _machinery.SourceFileLoader):
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            hidden = [m for m in ("numpy", "pandas") if m not in _sys.modules]
            _sys.modules.update(dict.fromkeys(hidden))
            try:
                run(module)
            finally:
                for m in hidden:
                    if m in _sys.modules and _sys.modules[m] is None:
                        del _sys.modules[m]

        spec.loader.exec_module = exec_module
        return spec


if "sqlite_utils.db" not in _sys.modules:
    _sys.meta_path.insert(0, _SqliteUtilsWithoutNumpy)
