"""The ``stratagem`` command line: the group, and its commands imported only when they run.

Each command lives in a ``*_cmds`` module that parses and prints; :mod:`stratagem.cli.lazy`
lists them so ``stratagem --help`` needs none of the library.
"""

from stratagem.cli.app import cli, main

__all__ = ["cli", "main"]
