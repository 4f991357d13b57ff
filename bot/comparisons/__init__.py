"""Comparison titles: the comparison graph, member-score similarity, /similar ranking and /compare data."""
