"""Long-lived objects left out of garbage collection while reports render.

A process with the app loaded holds some hundreds of thousands of objects that live as long
as it does: modules, the SQLAlchemy mappers, templates, the parsed checklist. Rendering a
report allocates millions of short-lived ones, and each full collection the allocations
trigger walks all the long-lived ones again: a tenth of a consultation report's render.
Frozen (:func:`gc.freeze`), they are skipped; the render's own garbage is collected as before.

Used where a process renders reports and little else (the draft render process, the report
commands, the bench), once the app exists. Not in ``create_app``: a frozen object is never
collected as part of a cycle, so a test suite creating an app per test would keep every one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_heap() -> Iterator[None]:
    """What is alive now is left out of garbage collection until the block ends (then back in it)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
