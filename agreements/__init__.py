"""Memoranda of understanding with partner institutions, and the obligations they carry."""
