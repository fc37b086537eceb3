"""`python -m bot` is the `s3bot` command."""

import sys

from bot.cli import main

sys.exit(main())
