"""What every engine returns and how engines describe their parameters.

Engines are pure functions of arrays: positions ``X[n, m]``, salience ``S[n, m]``
in [0, 1], capability ``C[n]``, status quo ``Q[m]`` (NaN where none) and a stance
mask; they return a :class:`Trajectory`. Nothing here reads files or prints.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from stratagem.model.errors import EngineError

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Move:
    """One actor's move in one round, and why (who challenged it, which offer)."""

    round: int
    issue: int
    actor: int
    other: int
    kind: str
    before: float
    after: float


@dataclass(frozen=True)
class Trajectory:
    """Positions per round and the engine's forecast per round and issue.

    ``positions`` has shape (rounds + 1, n_actors, n_issues); round 0 is the input.
    ``forecast``, ``mean`` and ``median`` have shape (rounds + 1, n_issues).
    """

    positions: FloatArray
    forecast: FloatArray
    mean: FloatArray
    median: FloatArray
    stop_reason: tuple[str, ...]
    cycle: tuple[tuple[int, int] | None, ...] = ()
    moves: tuple[Move, ...] = ()
    risk: FloatArray | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def rounds(self) -> int:
        return int(self.positions.shape[0] - 1)

    @property
    def final_forecast(self) -> FloatArray:
        """The forecast per issue: the last round's, or the cycle summary where the run cycles.

        A run that ends in a cycle has no last state worth the name: the round limit
        picks a phase. Its forecast is then the mean of the engine's per-round forecast
        over one period of the cycle (each phase counts as often as the run visits it),
        which does not depend on the round limit (:func:`cycle_summary`).
        """
        return cycle_summary(self.forecast, self.cycle)[0]


def cycle_summary(forecast: FloatArray,
                  cycle: Sequence[tuple[int, int] | None]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per issue (value, low, high) from per-round forecasts (rounds + 1, m) and cycles.

    Where issue k cycles with (start, period) the states of rounds start .. start +
    period - 1 repeat for ever; the value is the mean of their forecasts and low/high
    their range. Elsewhere all three are the last round's forecast.
    """
    last = np.array(forecast[-1], dtype=float)
    low, high = last.copy(), last.copy()
    start = np.array([[c[0] if c else -1 for c in cycle]])
    period = np.array([[c[1] if c else 0 for c in cycle]])
    value = cycle_means(forecast[:, None, :], start, period)[0]
    for k, c in enumerate(cycle):
        if c is not None and c[1] >= 2:
            phases = forecast[c[0] : c[0] + c[1], k]
            low[k], high[k] = float(phases.min()), float(phases.max())
    return value, low, high


def cycle_means(forecasts: FloatArray, start: Any, period: Any) -> FloatArray:
    """(B, m) values of :func:`cycle_summary` for B games at once, from forecasts (rounds + 1, B, m) and
    cycle start and period (B, m): a batch's games are summarised in one call per period length, not
    one Python loop per game (which cost an ensemble about a tenth of its time). Each cycle's mean
    is NumPy's mean of that cycle's row, the same bits as the mean of the one game's slice."""
    out = np.array(forecasts[-1], dtype=float)
    cycling = period > 1
    for p in np.unique(period[cycling]):
        b, k = np.nonzero(cycling & (period == p))
        rounds = start[b, k][:, None] + np.arange(p)
        out[b, k] = np.mean(forecasts[rounds, b[:, None], k[:, None]], axis=1)
    return out


@dataclass(frozen=True)
class Parameter:
    """An engine option: name, default, allowed values and a one-line explanation."""

    name: str
    default: Any
    help: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def parse(self, text: str) -> Any:
        """Turn a command-line ``VALUE`` into the parameter's type, or raise EngineError."""
        default = self.default
        if isinstance(default, bool) and self.choices is None:
            lowered = text.strip().lower()
            if lowered in {"true", "1", "yes", "on"}:
                return True
            if lowered in {"false", "0", "no", "off"}:
                return False
            raise EngineError(f"option {self.name}={text}: expected true or false")
        try:
            value: Any = text if self.choices is not None else int(text) if isinstance(default, int) else float(text)
        except ValueError:
            kind = "an integer" if isinstance(default, int) else "a number"
            raise EngineError(f"option {self.name}={text}: expected {kind}") from None
        return self.check(value)

    def check(self, value: Any) -> Any:
        """``value``, or EngineError unless it is one of the choices or a finite number in bounds."""
        if self.choices is not None:
            if value not in self.choices:
                raise EngineError(f"option {self.name}={value}: choose one of {', '.join(self.choices)}")
            return value
        if isinstance(value, float) and not np.isfinite(value):
            raise EngineError(f"option {self.name}: {value} is not finite")
        if self.minimum is not None and value < self.minimum:
            raise EngineError(f"option {self.name}={value}: must be at least {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise EngineError(f"option {self.name}={value}: must be at most {self.maximum:g}")
        return value


def option(default: Any, help: str, *, minimum: float | None = None, maximum: float | None = None) -> Any:
    """A field of an engine's options dataclass: its default and help, and bounds for numbers.

    The field's type annotation gives the kind of value; a ``Literal`` gives the choices.
    This is the one place an engine's parameters are declared (see docs/engines.md).
    """
    return dataclasses.field(default=default, metadata={"help": help, "minimum": minimum, "maximum": maximum})


@dataclass(frozen=True)
class NoOptions:
    """For engines without parameters."""


ForecastFunction = Callable[[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, Any], FloatArray]


@dataclass(frozen=True)
class EngineSpec:
    """A registered engine: its name, what it models, its options and how it computes.

    ``options`` is a frozen dataclass whose fields (declared with :func:`option`) are the
    engine's parameters. A one-shot engine gives ``forecast(X, S, C, Q, mask, opts)``,
    which accepts leading draw axes (``mask`` comes broadcast to X's shape); an iterative one gives a ``model``
    (:class:`stratagem.engines.rounds.RoundModel`) that the shared loop runs. Either way
    :meth:`run` returns a Trajectory and :meth:`batch` the forecasts (B, m) of B draws,
    and an unknown parameter is an EngineError in both; a one-shot engine ignores ``rounds``.
    """

    name: str
    summary: str
    options: type[Any] = NoOptions
    forecast: ForecastFunction | None = None
    model: Any = None  # a RoundModel (typed loosely: rounds imports this module)
    stochastic: bool = False
    learned: bool = False  # fitted on outcomes: the backtest cross-validates it
    percent_scale: bool = False  # works on 0-100 only: run and batch map each issue's scale onto it and back

    @property
    def iterative(self) -> bool:
        return self.model is not None

    @functools.cached_property
    def parameters(self) -> tuple[Parameter, ...]:
        """The :class:`Parameter` of every field of the options dataclass, in declaration order."""
        hints = typing.get_type_hints(self.options)
        out = []
        for f in dataclasses.fields(self.options):
            kind = hints[f.name]
            choices = typing.get_args(kind) if typing.get_origin(kind) is typing.Literal else None
            out.append(Parameter(f.name, f.default, f.metadata.get("help", ""),
                                 tuple(str(c) for c in choices) if choices else None,
                                 f.metadata.get("minimum"), f.metadata.get("maximum")))
        return tuple(out)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    def resolve(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults overridden by ``options`` (strings are parsed); unknown keys are errors."""
        known = {p.name: p for p in self.parameters}
        params = self.defaults()
        for key, value in options.items():
            if key not in known:
                raise EngineError(f"engine {self.name} has no option '{key}' (options: {', '.join(known) or 'none'})")
            params[key] = known[key].parse(value) if isinstance(value, str) else known[key].check(value)
        return params

    def run(self, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, *,
            rounds: int | None = None, rng: np.random.Generator | None = None,
            events: Sequence[Any] = (), scale: FloatArray | None = None, **params: Any) -> Trajectory:
        """One run; ``events`` are (round, change) pairs (stratagem.engines.rounds.Event) and
        ``scale`` (m, 2) the issues' scales, which engines that need 0-100 are mapped onto."""
        out = self._compute(X[None], S[None], C[None], Q, mask, rounds, rng, events, scale, params, True)
        assert isinstance(out, Trajectory)
        return out

    def batch(self, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, *,
              rounds: int | None = None, rng: np.random.Generator | None = None,
              events: Sequence[Any] = (), scale: FloatArray | None = None, **params: Any) -> FloatArray:
        """Forecasts (B, m) for draws X, S (B, n, m), C (B, n) sharing Q and mask: what B runs'
        ``final_forecast`` would be, in vectorised calls where the engine allows."""
        out = self._compute(X, S, C, Q, mask, rounds, rng, events, scale, params, False)
        assert not isinstance(out, Trajectory)
        return out

    def _compute(self, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
                 rounds: int | None, rng: np.random.Generator | None, events: Sequence[Any],
                 scale: FloatArray | None, params: Mapping[str, Any], record: bool) -> Trajectory | FloatArray:
        """B draws; game 0's Trajectory when ``record`` (a single run), else the (B, m) forecasts."""
        from stratagem.engines import rounds as loop

        opts = self.options(**self.resolve(params))
        _check_arrays(self.name, X, S, C, percent=self.percent_scale and scale is None)
        if rounds is not None and rounds < 0:
            raise EngineError(f"rounds must be >= 0, got {rounds}")
        mask = np.asarray(mask, dtype=bool)
        to = _Rescale.of(scale) if self.percent_scale else None
        if to is not None:
            out = self._compute(to.on(X), S, C, to.on(Q), mask, rounds, rng, to.events(events), None, params, record)
            return to.trajectory(out) if isinstance(out, Trajectory) else to.off(out)
        if self.model is None:
            X, S, C, mask = loop.apply_events(X, S, C, mask, events)
            assert self.forecast is not None
            f = np.asarray(self.forecast(X, S, C, Q, np.broadcast_to(mask, X.shape), opts), dtype=float)
            return static_trajectory(X[0], S[0], C[0], mask, f[0]) if record else f
        if not record:
            return loop.run_batch(self.model, opts, X, S, C, Q, mask, rounds=rounds, rng=rng, events=events)
        traj = loop.run_rounds(self.model, opts, X, S, C, Q, mask, rounds=rounds, rng=rng, events=events,
                               record=True).trajectory
        assert traj is not None
        return traj


def _check_arrays(engine: str, X: FloatArray, S: FloatArray, C: FloatArray, *, percent: bool) -> None:
    """The arrays every engine assumes, checked once here for callers of the Python API (the model layer's
    schema guarantees them for scenarios): X and S (B, n, m), C (B, n), finite, saliences in [0, 1],
    capabilities >= 0, and positions in [0, 100] for an engine that works on 0-100 only (``percent``)."""
    if X.ndim != 3 or S.shape != X.shape or C.shape != X.shape[:2] or 0 in X.shape[1:]:
        raise EngineError(f"{engine}: positions, saliences and capabilities must be (n, m), (n, m) and (n,) "
                          f"arrays with at least one actor and issue; got {X.shape[1:]}, {S.shape[1:]}, {C.shape[1:]}")
    if not (np.isfinite(X).all() and np.isfinite(S).all() and np.isfinite(C).all()):
        raise EngineError(f"{engine}: positions, saliences and capabilities must be finite numbers")
    if (S < 0).any() or (S > 1).any() or (C < 0).any():
        raise EngineError(f"{engine}: saliences must lie in [0, 1] and capabilities must not be negative")
    if percent and ((X < 0).any() or (X > 100).any()):
        raise EngineError(f"{engine}: positions must lie in 0-100 (pass scale= for another scale)")


@dataclass(frozen=True)
class _Rescale:
    """Each issue's scale [lo, hi] mapped linearly onto 0-100 (``on``) and back (``off``): the
    same answer the scale-free engines give, for an engine that needs 0-100 (ktab)."""

    lo: FloatArray
    width: FloatArray

    @staticmethod
    def of(scale: FloatArray | None) -> _Rescale | None:
        if scale is None or np.all(scale == np.array([0.0, 100.0])):
            return None  # already 0-100: nothing to map (and no rounding)
        return _Rescale(np.asarray(scale[:, 0], dtype=float), np.asarray(scale[:, 1] - scale[:, 0], dtype=float))

    def on(self, v: FloatArray) -> FloatArray:
        return (v - self.lo) / self.width * 100.0

    def off(self, v: FloatArray) -> FloatArray:
        return self.lo + v / 100.0 * self.width

    def events(self, events: Sequence[Any]) -> list[Any]:
        """Events that edit positions on the issues' scales, seen from 0-100."""
        return [(r, functools.partial(self._mapped, change)) for r, change in events]

    def _mapped(self, change: Any, X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray) -> Any:
        """``change`` applied on the issues' scales to positions X on 0-100."""
        X2, S2, C2, mask2 = change(self.off(X), S, C, mask)
        return self.on(X2), S2, C2, mask2

    def trajectory(self, t: Trajectory) -> Trajectory:
        """Positions, forecasts, moves and distributions back on the issues' scales."""
        def one(v: float, k: int) -> float:
            return float(self.lo[k] + v / 100.0 * self.width[k])

        extras = dict(t.extras)
        if "distribution" in extras:
            extras["distribution"] = [[(one(x, k), p) for x, p in d] for k, d in enumerate(extras["distribution"])]
        if "outcomes" in extras:
            extras["outcomes"] = [(tuple(one(x, k) for k, x in enumerate(xs)), p) for xs, p in extras["outcomes"]]
        return dataclasses.replace(
            t, positions=self.off(t.positions), forecast=self.off(t.forecast), mean=self.off(t.mean),
            median=self.off(t.median), extras=extras,
            moves=tuple(dataclasses.replace(mv, before=one(mv.before, mv.issue), after=one(mv.after, mv.issue))
                        for mv in t.moves))


def weights(S: FloatArray, C: FloatArray, mask: BoolArray) -> FloatArray:
    """Capability x salience per stance, 0 where there is no stance. Shape like S."""
    return np.where(mask, C[..., :, None] * S, 0.0)


def _weights_or_equal(W: FloatArray, mask: BoolArray) -> FloatArray:
    """W, or equal weights among the stances on an issue where all its weights are 0."""
    return np.where(W.sum(axis=-2)[..., None, :] > 0, W, mask.astype(float))


def weighted_mean(X: FloatArray, W: FloatArray, mask: BoolArray) -> FloatArray:
    """Weighted mean over actors (axis -2); equal weights among stances if all weights are 0."""
    use = _weights_or_equal(W, mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (use * X).sum(axis=-2) / use.sum(axis=-2)


def weighted_median(X: FloatArray, W: FloatArray, mask: BoolArray) -> FloatArray:
    """Weighted median over actors (axis -2): the Condorcet winner among positions on a line.

    When the cumulative weight reaches exactly one half at a position, every point
    between it and the next position ties; the midpoint of the two is returned so
    the answer does not depend on the direction of the scale.
    """
    Xt = np.moveaxis(np.where(mask, X, np.inf), -2, -1)  # (..., m, n)
    Wt = np.moveaxis(_weights_or_equal(W, mask), -2, -1)
    order = np.argsort(Xt, axis=-1, kind="stable")
    xs = np.take_along_axis(Xt, order, axis=-1)
    ws = np.take_along_axis(Wt, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    half = cum[..., -1:] / 2.0
    tol = 1e-12 * cum[..., -1:]
    lower_idx = np.argmax(cum >= half - tol, axis=-1)
    upper_idx = np.argmax(cum > half + tol, axis=-1)
    lower = np.take_along_axis(xs, lower_idx[..., None], axis=-1)[..., 0]
    upper = np.take_along_axis(xs, upper_idx[..., None], axis=-1)[..., 0]
    return (lower + upper) / 2.0


def static_trajectory(X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray,
                      forecast: FloatArray) -> Trajectory:
    """A one-state trajectory for engines that compute a forecast without rounds."""
    W = weights(S, C, mask)
    return Trajectory(
        positions=X[None, ...].copy(),
        forecast=forecast[None, :],
        mean=weighted_mean(X, W, mask)[None, :],
        median=weighted_median(X, W, mask)[None, :],
        stop_reason=("closed form",) * X.shape[1],
        cycle=(None,) * X.shape[1],
    )
