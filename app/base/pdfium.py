"""PDFium, one caller at a time.

PDFium (through pypdfium2) is not thread-safe, not even for two different documents: two threads in it at once can
crash the process. The window renders the signing page's preview on a worker thread (ui.signing_tab) while print
preview, printing, the print check or the self-test may render on another, so every use of it holds `lock` from
opening its document to closing it.
"""

from __future__ import annotations

import threading

#: Held around every PDFium call: reentrant, so that a function holding it may call another that takes it.
lock = threading.RLock()
