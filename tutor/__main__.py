"""``python -m tutor`` does what the ``restutor`` command does."""

import sys

from tutor.cli import main

sys.exit(main())
