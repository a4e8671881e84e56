"""Speed checks run by hand or in CI: `python -m bench.<name>`."""
