"""`python -m bench`: run every benchmark and write var/bench/summary.json."""

import sys

from bench.orchestrator import main

sys.exit(main())
