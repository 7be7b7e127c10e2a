"""Command-line entry points (one console script, askscience)."""
