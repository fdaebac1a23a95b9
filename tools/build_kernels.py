"""bdm's kernels built ahead of time: ``python tools/build_kernels.py`` (the install step runs it).

A process that loads a kernel from numba's cache still imports and starts numba (about 0.45 s of CPU:
docs/benchmarks.md), which every ensemble paid before its first draw. Built here with numba.pycc into an
extension module in stratagem/engines, a kernel loads in about a millisecond with no numba in the process.
The module is named by a hash of the kernels' source (:func:`stratagem.engines._kernels.built_name`), so
an edit of them leaves a stale build unused (an edit of this builder makes the install step build again,
into the same name); where there is none (no C compiler, another install) the kernels compile with numba
on first use. Both give the same bits (tests/test_kernels_aot.py). The code is built for a generic
x86-64 (or the platform's baseline) CPU, as portable as a wheel; it ran as fast as numba's host-tuned
code on the measured batches.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path
from typing import Any


def build(folder: Path | None = None) -> Path:
    """Build the kernels into ``folder`` (default: the kernels' package) and return the module's path; the
    builds of older sources there are removed. Raises whatever numba or the C toolchain raises."""
    numba: Any = importlib.import_module("numba")
    pycc: Any = importlib.import_module("numba.pycc")
    compiler: Any = importlib.import_module("numba.pycc.compiler")

    from stratagem.engines import _kernels

    name = _kernels.built_name()
    if name is None:
        raise OSError("the kernels' source cannot be read")
    folder = folder or Path(_kernels.__file__).parent
    plain = compiler.Flags

    def nogil(*args: Any, **kwargs: Any) -> Any:
        """pycc's flags, releasing the GIL as numba's kernels do (ensembles run them in threads)."""
        flags = plain(*args, **kwargs)
        flags.release_gil = True
        return flags

    for helper in _kernels._HELPERS:  # the kernels call these: compiled into the same module
        setattr(_kernels, helper, numba.njit(getattr(_kernels, helper + "_py")))
    compiler.Flags = nogil
    try:
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            cc = pycc.CC(name, source_module=_kernels)
            cc.output_dir = tmp  # then renamed into place: no process imports a half-written module
            for kernel, (fn, example) in _kernels.kernels().items():
                cc.export(kernel, tuple(numba.typeof(a) for a in example))(fn)  # return type inferred
            cc.compile()
            target = folder / cc.output_file
            (Path(tmp) / cc.output_file).replace(target)
    finally:
        compiler.Flags = plain
        for helper in _kernels._HELPERS:
            setattr(_kernels, helper, getattr(_kernels, helper + "_py"))
    for old in folder.glob("_aot_*"):
        if old.name.split(".")[0] != name:
            old.unlink()
    return target


def main() -> None:
    """Build, or say in one line why not (the kernels then compile with numba on first use); exit 1 then."""
    try:
        path = build()
    except Exception as exc:  # no C compiler, no numba, a read-only install: all mean "use numba's JIT"
        print(f"bdm's kernels not built ahead of time ({type(exc).__name__}: {exc}); numba compiles them "
              "on first use instead", file=sys.stderr)
        sys.exit(1)
    print(f"bdm's kernels built ahead of time into {path}")


if __name__ == "__main__":
    main()
