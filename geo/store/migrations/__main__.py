"""python -m geo.store.migrations URL: bring a database to this app's schema (run as its owner)."""

import sys

from geo.store.migrations import main

sys.exit(main())
