"""Naming rounds, applications, preliminary review, expert panels, publicity and naming (第五条, 第六条)."""
