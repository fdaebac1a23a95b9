"""scenarios layer (see DESIGN.md)."""
