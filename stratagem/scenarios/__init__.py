"""The built-in scenarios, shipped as package data (one YAML file each; ``stratagem scenarios`` lists them).

They are read through :mod:`stratagem.model.builtin`; their evidence cites documents by id and
character offsets only, so no source text is stored here.
"""
