"""`python -m marketplace.devstack`: see the package docstring."""

import sys

from marketplace.devstack import main

sys.exit(main())
