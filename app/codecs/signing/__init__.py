"""Digital signatures on exported packets (PAdES for PDF, detached CMS for Excel)."""

import warnings

# pyHanko imports cryptography's DSA key class, which warns "DSA is deprecated" (CryptographyDeprecationWarning)
# on every sign and verify. The warning is about pyHanko's imports, not the clerk's file or key, so it is kept
# off the terminal; only this message, and only when pyHanko's own modules trigger it.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko(\.|$)")
