"""Talent-scouting calls, public applications, jury review and the artist network."""
