"""Verifying allocations: published tables and budgetcalc's own reports."""
