"""Results as pandas DataFrames, for notebook users; pandas is optional and imported only here.

``pip install 'stratagem[frames]'`` (or ``pip install pandas``) provides it; without it,
``to_frame()`` raises one clear error and nothing else in stratagem needs pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stratagem.model.errors import StratagemError


def data_frame(rows: Sequence[Mapping[str, Any]], index: str | None = None) -> Any:
    """A ``pandas.DataFrame`` of ``rows`` (one dict per row), indexed by column ``index`` if given."""
    try:
        import pandas as pd
    except ImportError:
        raise StratagemError("to_frame() needs pandas: pip install 'stratagem[frames]' (or pip install pandas)"
                             ) from None
    frame = pd.DataFrame([dict(r) for r in rows])
    return frame.set_index(index) if index is not None and not frame.empty else frame
