"""Benchmarks and synthetic data (numbers are printed, never asserted)."""
