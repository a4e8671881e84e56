"""`python -m app` is the same as the `contractdesk` command, and the entry of both bundled programs: without a
console (ContractDesk.exe) a failed start is shown in a message box and logged (app/startup.py)."""

import sys

from app.startup import main

sys.exit(main())
