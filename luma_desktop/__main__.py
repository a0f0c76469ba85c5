"""``python -m luma_desktop`` starts the studio window."""

import gc
import sys

# No cyclic collection while the app loads and builds its window: ~70 passes over a
# heap that only grows (20-40 ms of start-up). ``app.settle_heap``, after the window's
# first paint, collects once, freezes what start-up built and turns it back on.
gc.disable()

from luma_desktop.app import main  # noqa: E402

sys.exit(main())
