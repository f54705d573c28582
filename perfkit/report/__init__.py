"""The report layer: `python -m perfkit report` and `compare`, above lessons, display and engine."""
