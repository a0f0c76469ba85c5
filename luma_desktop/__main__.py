"""``python -m luma_desktop`` starts the studio window."""

import sys

from luma_desktop.app import main

sys.exit(main())
