"""The coordination scorecard: which zones interact and which have gone quiet, in numbers."""
