"""The store layer: a workspace (one SQLite file) that keeps documents, evidence, scenario versions and runs.

It persists what the evidence and analysis layers produce; it extracts and forecasts nothing itself.
"""

#: The workspace file every command and the web app use when none is named.
DEFAULT_WORKSPACE = "stratagem.db"
