"""Where the project's shared data lives: the DEU data set, KTAB's reference logs, the seed documents.

``$STRATAGEM_SHARED`` names that folder; without it, the ``shared`` folder beside the source
checkout (the repository's parent directory) is used. Never the working directory, so a
command gives the same answer wherever it is started; a missing file is one error that says
how to point at it.
"""

from __future__ import annotations

import os
from pathlib import Path

from stratagem.model.errors import ScenarioError

_REPOSITORY = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """``$STRATAGEM_SHARED``, else ``<repository>/../shared``."""
    env = os.environ.get("STRATAGEM_SHARED")
    return Path(env) if env else _REPOSITORY.parent / "shared"


def shared_file(*parts: str, option: str) -> Path:
    """A file under the shared folder, or a one-line error naming ``option`` and ``$STRATAGEM_SHARED``."""
    path = shared_dir().joinpath(*parts)
    if not path.is_file():
        raise ScenarioError(f"{path}: no such file (give {option} FILE, or set STRATAGEM_SHARED to the folder "
                            f"that holds {'/'.join(parts)})")
    return path
