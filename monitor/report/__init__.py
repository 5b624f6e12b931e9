"""Reports written as files for the PR head: the monthly evaluation (HTML and CSV)."""
