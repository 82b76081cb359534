"""Subsidy grants, transfers and earmarked spending (第十二条, 第十三条)."""
