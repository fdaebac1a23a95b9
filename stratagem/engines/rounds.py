"""The one loop every iterative engine runs in: rounds, stopping rule, cycles, events at round r.

An iterative engine is a :class:`RoundModel`: a state and one step (the model/step
split of agent-based toolkits). :func:`run_rounds` owns everything around the step,
for a single run and for a batch of draws alike:

- **rounds**: exactly ``rounds`` steps, or under the stopping rule until every game
  has stopped or the engine's round limit (``max_rounds``) is reached;
- **stopping**: a game (one issue of one draw, or a whole draw for engines that
  bargain all issues jointly) stops when its state repeats an earlier one within the
  engine's tolerance (period 1: converged; longer: a cycle) or when the engine's own
  rule says so (:meth:`RoundModel.settled`); stopped games are retired from the
  step, so a batch costs the rounds each game needs;
- **cycles**: the first repeat of any earlier state of the run (since the last change of
  the game's inputs) is reported as (start, period) and summarised as
  :func:`stratagem.engines.base.cycle_summary` defines, in single runs and batches; the
  loop keeps every state it reached (a run of T rounds keeps T + 1), so a cycle of any
  period within the round limit is found;
- **events**: ``(r, change)`` pairs applied to the state reached after round r (a
  shock during the bargaining); a change that leaves a game's inputs equal leaves
  that game's run exactly as it was, one that changes them restarts the game's
  stopping rule and cycle detection from that round.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from stratagem.engines.base import (
    BoolArray,
    FloatArray,
    Move,
    Trajectory,
    cycle_means,
    weighted_mean,
    weighted_median,
    weights,
)

Change = Callable[[FloatArray, FloatArray, FloatArray, BoolArray],
                  tuple[FloatArray, FloatArray, FloatArray, BoolArray]]
Event = tuple[int, Change]  # (round r >= 1, change to X, S (B, n, m), C (B, n), mask (n, m))
Inputs = tuple[FloatArray, FloatArray, FloatArray, BoolArray]


class RoundModel(ABC):
    """An iterative engine as a state and one step; :func:`run_rounds` does the rest.

    States hold B games (B = 1 unless ``vectorised``); arrays have the draw axis first.
    """

    vectorised: ClassVar[bool] = False  # one step advances B games at once
    joint: ClassVar[bool] = False  # all issues bargained together: a state repeats as a whole
    frozen_reason: ClassVar[str] = ""

    @abstractmethod
    def start(self, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
              opts: Any, rng: np.random.Generator | None) -> Any:
        """The state before round 1 from inputs X, S (B, n, m), C (B, n), Q (m,), mask (n, m)."""

    @abstractmethod
    def step(self, state: Any, active: BoolArray, t: int, record: bool) -> Any:
        """The state after round t; games where ``active`` (B, m) is False must not change.
        ``record``: keep what :meth:`moves` reports (single runs only)."""

    @abstractmethod
    def positions(self, state: Any) -> FloatArray:
        """(B, n, m) positions on the issues' scales."""

    @abstractmethod
    def forecast(self, state: Any) -> FloatArray:
        """(B, m) the engine's forecast of this state."""

    @abstractmethod
    def shocked(self, state: Any, X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray) -> Any:
        """The state with positions X and inputs S, C, mask changed by an event."""

    @abstractmethod
    def tolerance(self, state: Any) -> FloatArray:
        """(B, m) positions closer than this count as the same state."""

    def admit(self, n_actors: int, n_issues: int, rounds: int) -> None:
        """Refuse (EngineError) a run too large to finish, before any work; by default all run."""
        _ = (n_actors, n_issues, rounds)

    def limit(self, opts: Any) -> int:
        """The round limit of the stopping rule."""
        return int(getattr(opts, "max_rounds", 100))

    def repeats(self, opts: Any) -> bool:
        """Does a repeated state mean the run repeats from there (False for drawn transitions)?"""
        return True

    def repeat_stops(self, opts: Any) -> int:
        """Under the stopping rule, a repeat with at least this period stops a game (0: never)."""
        return 1

    def play(self, state: Any, limit: int, stop_period: int) -> tuple[FloatArray, Any, Any] | None:
        """The whole loop of a batch without events or recording, if the engine runs it itself
        (compiled): forecasts (T + 1, B, m), cycle_start and cycle_period (B, m) exactly as
        :func:`run_rounds` finds them (engines that have it test that); None: the loop runs here."""
        return None

    def nogil(self, opts: Any) -> bool:
        """Does a batch without events spend its time in compiled code that releases the GIL (so
        threads of one process run batches in parallel)?"""
        return False

    def frozen(self, state: Any) -> BoolArray:
        """(B, m) games that cannot move at all (reported with ``frozen_reason``)."""
        B, _, m = self.positions(state).shape
        return np.zeros((B, m), dtype=bool)

    def settled(self, state: Any, t: int) -> tuple[BoolArray, str] | None:
        """The engine's own stopping rule after round t, if it has one: (B, m) and why."""
        return None

    def moves(self, state: Any) -> list[Move]:
        """The moves of the last recorded step."""
        return []

    def risk(self, state: Any) -> FloatArray | None:
        """Per-actor risk attitudes of the state (first axis B), if the engine has them."""
        return None

    def extras(self, state: Any) -> dict[str, Any]:
        """Engine-specific results of a single run."""
        return {}


@dataclass
class _Book:
    """What the loop keeps about B games while they run."""

    forecasts: list[FloatArray]  # per round (B, m)
    cycle_start: Any  # (B, m) int, -1 where no repeat
    cycle_period: Any  # (B, m) int
    stopped: BoolArray  # (B, m)
    settled: Any  # (B, m) object: the engine's reason where its rule stopped a game
    origin: Any  # (B, m) the round from which earlier states are comparable (after the last change)


def _changed(before: Inputs, after: Inputs, joint: bool) -> BoolArray:
    """(B, m): games whose inputs an event changed."""
    X0, S0, C0, M0 = before
    X1, S1, C1, M1 = after
    out = ((X0 != X1) | (S0 != S1)).any(axis=1) | (C0 != C1).any(axis=1)[:, None] | (M0 != M1).any(axis=0)[None, :]
    if joint:
        out = np.broadcast_to(out.any(axis=1, keepdims=True), out.shape).copy()
    return np.asarray(out)


class _History:
    """Every state of a loop (B, n, m) by round, in buffers that grow as rounds are played, with each
    game's sum and absolute sum of positions over the actors with a stance (its fingerprint)."""

    def __init__(self, first: FloatArray, mask: BoolArray, limit: int) -> None:
        size = min(limit, 15) + 1
        self.states = np.empty((size, *first.shape))
        self.sums = np.empty((size, 2, first.shape[0], first.shape[2]))
        self.replace(0, first, mask)

    def append(self, t: int, state: FloatArray, mask: BoolArray) -> None:
        if t >= self.states.shape[0]:
            self.states, self.sums = (np.concatenate([a[:t], np.empty_like(a[:t])]) for a in (self.states, self.sums))
        self.replace(t, state, mask)

    def replace(self, t: int, state: FloatArray, mask: BoolArray) -> None:
        self.states[t] = state
        kept = np.where(mask, state, 0.0)
        self.sums[t, 0], self.sums[t, 1] = kept.sum(axis=1), np.abs(kept).sum(axis=1)

    def repeat(self, t: int, mask: BoolArray, tol: FloatArray, origin: Any, looking: BoolArray, joint: bool) -> Any:
        """(B, m): per game still ``looking`` the latest round s (origin <= s < t) whose state equals
        round t's within ``tol`` (on the actors with a stance; over all issues of the draw when ``joint``),
        -1 elsewhere.

        Only rounds whose fingerprint is within what equal states allow (k actors within tol move the
        sum by at most k tol, plus the sums' rounding) are compared actor by actor, so the answer is
        that of comparing every state, at a fraction of the cost.
        """
        B, _, m = self.states.shape[1:]
        found = np.full((B, m), -1)
        if joint:
            looking = np.broadcast_to(looking.any(axis=1, keepdims=True), looking.shape)
        rows = np.flatnonzero(looking.any(axis=1))
        if rows.size == 0:
            return found
        first = int(origin[rows].min())
        now, past = self.sums[t][:, rows], self.sums[first:t][:, :, rows]  # (2, L, m), (T, 2, L, m)
        k = mask.sum(axis=0)
        slack = k * tol[rows] * (1 + 1e-9) + 4 * k * np.finfo(float).eps * (past[:, 1] + now[1])
        near = (np.abs(past[:, 0] - now[0]) <= slack) & looking[rows][None]
        s_, l_, k_ = np.nonzero(near)
        b_ = rows[l_]
        diff = np.abs(self.states[first + s_, b_, :, k_] - self.states[t, b_, :, k_])  # (candidates, n)
        diff[~mask[:, k_].T] = 0.0
        same = np.zeros(near.shape, dtype=bool)
        same[s_, l_, k_] = diff.max(axis=1, initial=0.0) <= tol[b_, k_]
        if joint:
            same = np.broadcast_to(same.all(axis=2, keepdims=True), same.shape)
        same = same & (np.arange(first, t)[:, None, None] >= origin[rows][None])
        latest = same.shape[0] - 1 - np.argmax(same[::-1], axis=0)  # the last True along the rounds
        found[rows] = np.where(same.any(axis=0), first + latest, -1)
        return found


@dataclass
class Rounds:
    """A finished loop: per-round forecasts, cycles and stop reasons of B games."""

    forecasts: FloatArray  # (T + 1, B, m)
    cycle_start: Any  # (B, m)
    cycle_period: Any
    frozen: BoolArray  # (B, m) games that could not move
    settled: Any  # (B, m) the engine's own reason for stopping, "" where none
    frozen_reason: str
    trajectory: Trajectory | None  # single runs with record=True

    @functools.cached_property
    def reasons(self) -> list[list[str]]:
        """[B][m] why each game stopped; built when asked for (a batch's forecasts do not need it)."""
        B, m = self.cycle_start.shape
        return [[_reason(bool(self.frozen[b, k]), self.frozen_reason, str(self.settled[b, k]),
                         int(self.cycle_period[b, k])) for k in range(m)] for b in range(B)]

    def cycles(self, b: int) -> tuple[tuple[int, int] | None, ...]:
        """Game b's (start, period) per issue, None where it does not cycle."""
        return tuple((int(s), int(p)) if p > 1 else None
                     for s, p in zip(self.cycle_start[b], self.cycle_period[b], strict=True))

    def final(self) -> FloatArray:
        """(B, m): the last round's forecast, or the cycle summary where a game cycles."""
        return cycle_means(self.forecasts, self.cycle_start, self.cycle_period)


def run_rounds(
    model: RoundModel,
    opts: Any,
    X: FloatArray,
    S: FloatArray,
    C: FloatArray,
    Q: FloatArray,
    mask: BoolArray,
    *,
    rounds: int | None,
    rng: np.random.Generator | None,
    events: Sequence[Event] = (),
    record: bool = False,
) -> Rounds:
    """Run B games (X, S (B, n, m), C (B, n), shared Q and mask) as the module docstring says."""
    state = model.start(X, S, C, Q, mask, opts, rng)
    cur: Inputs = (np.array(model.positions(state)), np.array(S, dtype=float), np.array(C, dtype=float),
                   mask.copy())
    B, n, m = cur[0].shape
    limit = rounds if rounds is not None else model.limit(opts)
    model.admit(n, m, limit)
    stop_period, repeats = model.repeat_stops(opts) if rounds is None else 0, model.repeats(opts)
    todo = sorted(((int(r), change) for r, change in events if 1 <= int(r) < limit), key=lambda e: e[0])
    played = model.play(state, limit, stop_period) if not (record or todo) and repeats else None
    if played is not None:
        return _finish(model, model.frozen(state), np.full(played[1].shape, "", dtype=object), *played)
    book = _Book([model.forecast(state)], np.full((B, m), -1), np.zeros((B, m), dtype=np.int64),
                 np.zeros((B, m), dtype=bool), np.full((B, m), "", dtype=object), np.zeros((B, m), dtype=np.int64))
    frozen = model.frozen(state)
    history = _History(cur[0], cur[3], limit)
    trail: list[tuple[Any, ...]] = []  # per round of a single run (game 0): positions, weights, mask, risk
    moves: list[Move] = []

    def keep(t: int) -> None:
        """Append round t's state to what a single run reports."""
        if record:
            risk = model.risk(state)
            trail.append((cur[0][0], weights(cur[1], cur[2], cur[3])[0], cur[3], None if risk is None else risk[0]))

    keep(0)

    def probe(change: Change) -> tuple[Inputs, BoolArray]:
        """The inputs after an event and the games it changes (nothing is applied yet)."""
        after = change(cur[0].copy(), cur[1].copy(), cur[2].copy(), cur[3].copy())
        return after, _changed(cur, after, model.joint)

    def commit(t: int, after: Inputs, changed: BoolArray) -> None:
        """Apply a probed event after round t (a no-op leaves the state untouched)."""
        nonlocal state, cur, frozen
        if not changed.any():
            return
        state = model.shocked(state, *after)
        cur = (np.array(model.positions(state)), after[1], after[2], after[3])
        # round t's state is the one after the event: the input of round t + 1
        book.forecasts[-1] = model.forecast(state)
        history.replace(t, cur[0], cur[3])
        if record:
            trail.pop()
            keep(t)
        book.origin[changed] = t
        book.cycle_start[changed], book.cycle_period[changed] = -1, 0
        book.stopped[changed], book.settled[changed] = False, ""
        frozen = model.frozen(state)

    t = 0
    while t < limit:
        while todo and todo[0][0] == t:
            commit(t, *probe(todo.pop(0)[1]))
        idle = book.stopped | frozen
        if rounds is None and idle.all():
            # nothing runs: skip to the next event that changes a game (the state holds till then)
            while todo:
                r, change = todo.pop(0)
                after, changed = probe(change)
                if changed.any():
                    while t < r:
                        t += 1
                        book.forecasts.append(book.forecasts[-1])
                        history.append(t, cur[0], cur[3])
                        keep(t)
                    commit(t, after, changed)
                    break
            else:
                break
            continue
        t += 1
        state = model.step(state, ~idle, t, record)
        cur = (np.array(model.positions(state)), cur[1], cur[2], cur[3])
        book.forecasts.append(model.forecast(state))
        keep(t)
        if record:
            moves.extend(model.moves(state))
        # the most recent earlier comparable state equal to this one, per game still looking for one
        looking = (book.cycle_start < 0) & ~book.stopped
        history.append(t, cur[0], cur[3])
        # only draws where a game moved compare (a frozen game of such a draw repeats its last state)
        looking &= (~idle).any(axis=1, keepdims=True) & repeats
        found = history.repeat(t, cur[3], model.tolerance(state), book.origin, looking, model.joint)
        new = (found >= 0) & (book.cycle_start < 0) & ~book.stopped
        book.cycle_start = np.where(new, found, book.cycle_start)
        book.cycle_period = np.where(new, t - found, book.cycle_period)
        if stop_period:
            book.stopped |= new & (book.cycle_period >= stop_period)
        own = model.settled(state, t) if rounds is None else None
        if own is not None:
            done, why = own
            fresh = done & ~book.stopped & ~frozen
            book.settled[fresh] = why
            book.stopped |= fresh
    out = _finish(model, frozen, book.settled, np.array(book.forecasts), book.cycle_start, book.cycle_period)
    if record:
        out.trajectory = _trajectory(model, state, out, trail, moves)
    return out


def _finish(model: RoundModel, frozen: BoolArray, settled: Any, forecasts: FloatArray, cycle_start: Any,
            cycle_period: Any) -> Rounds:
    """The loop's result, with what each game's reason for stopping is read from."""
    return Rounds(forecasts, cycle_start, cycle_period, frozen, settled, model.frozen_reason, None)


def _reason(frozen: bool, frozen_reason: str, settled: str, period: int) -> str:
    if frozen and frozen_reason:
        return frozen_reason
    if settled:
        return settled
    if period == 1:
        return "converged"
    if period > 1:
        return "cycle"
    return "round limit"


def _trajectory(model: RoundModel, state: Any, out: Rounds, trail: list[tuple[Any, ...]],
                moves: list[Move]) -> Trajectory:
    """Game 0 of a finished loop as a Trajectory (per-round mean and median with the inputs then in force)."""
    P, W, M = (np.stack([r[k] for r in trail]) for k in range(3))
    return Trajectory(
        positions=P,
        forecast=out.forecasts[:, 0, :],
        mean=weighted_mean(P, W, M),
        median=weighted_median(P, W, M),
        stop_reason=tuple(out.reasons[0]),
        cycle=out.cycles(0),
        moves=tuple(moves),
        risk=None if trail[0][3] is None else np.stack([r[3] for r in trail]),
        extras=model.extras(state),
    )


def run_batch(model: RoundModel, opts: Any, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray,
              mask: BoolArray, *, rounds: int | None, rng: np.random.Generator | None,
              events: Sequence[Event] = ()) -> FloatArray:
    """(B, m) forecasts of B draws (cycle summaries where they cycle): in one loop when the
    model is vectorised, else draw by draw with the shared ``rng``."""
    if model.vectorised:
        return run_rounds(model, opts, X, S, C, Q, mask, rounds=rounds, rng=rng, events=events).final()
    return np.concatenate([
        run_rounds(model, opts, X[b : b + 1], S[b : b + 1], C[b : b + 1], Q, mask, rounds=rounds, rng=rng,
                   events=events).final()
        for b in range(X.shape[0])
    ])


def apply_events(X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray, events: Sequence[Event]) -> Inputs:
    """Every event applied to the inputs (B draws), in round order: for engines without rounds
    the state at any round is the input."""
    for _, change in sorted(events, key=lambda e: int(e[0])):
        X, S, C, mask = change(X, S, C, mask)
    return X, S, C, mask
