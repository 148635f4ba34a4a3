"""Interviews and workshops, and the findings and measures drawn from them."""
