"""Digital signatures on exported packets (PAdES for PDF, detached CMS for Excel)."""
