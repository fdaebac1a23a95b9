"""stratagem: forecast multi-party political negotiations, with evidence for every number."""

__version__ = "0.1.0"
