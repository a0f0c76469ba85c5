"""PySide6 without its ``__feature__`` import hook, for a faster start.

Importing shiboken6 replaces ``builtins.__import__`` with a hook that serves PySide's
opt-in ``from __feature__ import snake_case, true_property``. After every import it
reads the source file of each module it has not seen yet (``inspect.getsource``) to
find out whether the module mentions PySide6: ~330 files, 75-90 ms of the app's
start-up (bench/startup.py), and their text kept in ``linecache``.

The app uses no feature, so Python's own import is put back. Nothing else changes:
PySide treats a module missing from its feature table like one that chose no feature
(the table is only read to switch class dictionaries for modules that opted in). A
``from __feature__ import`` would no longer take effect; tests/test_pyside_hook.py
checks that the package has none.
"""

from __future__ import annotations

import builtins

import shiboken6  # noqa: F401 - installs the hook taken off below (if not already)


def drop_feature_hook() -> bool:
    """Restore Python's import if PySide's hook is the one in place; True if it was."""
    hook = getattr(builtins, "__feature_import__", None)
    original = getattr(builtins, "__orig_import__", None)
    if hook is None or original is None or builtins.__import__ is not hook:
        return False  # another PySide, or another hook on top of it: left alone
    builtins.__import__ = original
    return True
