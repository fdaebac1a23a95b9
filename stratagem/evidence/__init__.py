"""evidence layer (see DESIGN.md)."""
