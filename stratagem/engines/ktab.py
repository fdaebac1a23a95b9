"""KTAB's Spatial Model of Politics (SMP) with probabilistic Condorcet elections (PCE).

A NumPy re-implementation of the model KTAB 1.4 runs for ``smpc --csv`` (specification:
reference/ktab-smp.md, section numbers below refer to it). All issues are bargained
*jointly*: an actor's position is a vector over the issues, distances are
salience-weighted Euclidean distances across all issues, and a bargain moves both
parties on every issue at once.

One turn (section 2.7):

1. distances from each actor's ideal to every position; risk-neutral utilities; a PCE
   over all positions gives each actor's risk attitude R (``big_r_range``), and each
   observer h estimates i's attitude (``big_r_adjust``): U^h_ij = (1 - d_ij)(1 + R_hi d_ij);
2. every actor i values challenging every j (principals vote with capability x total
   salience, third parties with ``third_party_commit``), targets the best one and
   interpolates a bargain (``inter_vec_brgn``, ``bargn_model``);
3. every actor's queue (status quo, its own proposal, proposals aimed at it) is resolved
   by a PCE over the states the bargains would produce (capability weights,
   ``voting_rule``, ``victory_prob_model``, ``pce_model``), deterministically (argmax)
   or by a draw from ``rng`` (``state_transitions``);
4. ideals follow positions (KTAB's identity accommodation: an actor wants where it now stands).

KTAB's stopping rule (section 2.8) ends the run, unless ``rounds`` fixes the number of
turns.

**The per-turn forecast** of an issue is the probability-weighted position: the PCE of
the state (each actor judging with its own utilities, capability weights) over the
*distinct* positions, sum_u p_u x_u (KTAB's ``pDist(-1)``, section 2.6). The distribution
over those distinct final positions is returned in ``extras["distribution"]`` (per issue,
equal coordinates merged) and ``extras["outcomes"]`` (joint position vectors).

**Modes.** ``compat=True`` reproduces KTAB, quirks included: KTAB's order of
floating-point accumulation, its greedy (order-dependent) grouping of positions within
1e-3, its errors (it raises EngineError wherever KTAB throws: fewer than 3 or more than
250 actors, zero capability or total salience, total salience above 100, equal PCE
probabilities in the risk inference, ``big_r_adjust=Full``, a Markov PCE needing 1000
iterations), the per-actor "winning probabilities" that sum to more than 1
(``extras["actor_probability"]``) and the ``PWCompInterp`` weight that uses the
initiator's capability for both sides. The default corrected mode fixes the defects of
section 8: distinct positions are grouped transitively (order-independent) and each
group is represented by its members' mean, so the distribution sums to 1 and does not
depend on the order of actors; stochastic queue resolution draws from the given
``rng`` in actor order (reproducible for a seed); equal PCE probabilities give risk
neutrality instead of 0/0; the Markov PCEs stop after 1000 iterations; zero
capabilities, zero saliences and totals above 100 (which native scenarios allow) are
handled (no vote, indifference, saliences rescaled to total 100), and ``Full`` works.
``NoCommit`` and ``FullCommit`` stay degenerate (third parties never vote) in both
modes, as KTAB defines them, and ``ASymProsp`` keeps KTAB's orientation (the 2/3 weight
on gains applies to the higher-numbered option of each pair). ``Stochastic`` draws from
``rng`` in both modes (KTAB's own PRNG stream is not reproducible, section 8.4); without
an ``rng`` the generator is seeded with smpc's default seed.

Cost per turn is O(n^3) arithmetic (the challenge values with third parties and the
risk PCE), computed in blocks; KTAB spends O(n^4) on estimates that only feed its logs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from stratagem.engines.base import BoolArray, EngineSpec, FloatArray, Move, Trajectory, option
from stratagem.engines.rounds import RoundModel
from stratagem.model.errors import EngineError

IntArray = NDArray[np.intp]

VictoryProbModel = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PceModel = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]
StateTransitions = Literal["Deterministic", "Stochastic"]
VotingRule = Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"]
BigRAdjust = Literal["None", "OneThird", "Half", "TwoThirds", "Full"]
BigRRange = Literal["Min", "Mid", "Max"]
ThirdPartyCommit = Literal["NoCommit", "SemiCommit", "FullCommit"]
InterVecBrgn = Literal["S1P1", "S2P2", "S2PMax"]
BargnModel = Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"]

DEFAULT_SEED = 15455440707583219804  # smpc's default seed, used when no rng is given

_MIN_COALITION = 1e-8  # Model::coalitions
_MIN_CHALLENGE_COALITION = 1e-10  # SMPState::probEduChlg
_MIN_SIGNIFICANT_GAIN = 1e-5  # SMPState::bestChallenge
_POSITION_TOLERANCE = 1e-3  # SMPModel::posTol, on the [0, 1] scale
_MARKOV_MAX_ITER = 1000
_STOP_MIN_TURNS, _STOP_MAX_TURNS, _STOP_RATIO, _STOP_DELTA = 2, 100, 0.02, 1e-4
_CYCLE_TOLERANCE = 1e-12  # on the [0, 1] scale: states this close are the same state
_BLOCK_ELEMENTS = 131_072  # bound on temporary 3-D blocks (1 MB each: they stay in cache)
# BigRAdjust -> (a, b, d) of the estimate (a R_h + b R_i) / d, in KTAB's order of operations
_RISK_ESTIMATES = {"None": (1.0, 0.0, 1.0), "OneThird": (2.0, 1.0, 3.0), "Half": (1.0, 1.0, 2.0),
                   "TwoThirds": (1.0, 2.0, 3.0), "Full": (0.0, 1.0, 1.0)}


@dataclass(frozen=True)
class KtabOptions:
    """The nine KTAB model parameters (KTAB's names and defaults) and the mode."""

    victory_prob_model: VictoryProbModel = option(
        "Linear", "KTAB VictoryProbModel: P[a beats b] from coalition strengths")
    pce_model: PceModel = option("Conditional", "KTAB PCEModel: probabilistic Condorcet election")
    state_transitions: StateTransitions = option(
        "Deterministic", "KTAB StateTransitions: take the likeliest bargain, or draw one with the run's seed")
    voting_rule: VotingRule = option("Prop", "KTAB VotingRule: vote as a function of the utility difference")
    big_r_adjust: BigRAdjust = option(
        "OneThird", "KTAB BigRAdjust: how far observers credit others' risk attitudes (Full fails in compat "
        "mode, as in KTAB)")
    big_r_range: BigRRange = option("Mid", "KTAB BigRRange: range of inferred risk attitudes")
    third_party_commit: ThirdPartyCommit = option(
        "SemiCommit", "KTAB ThirdPartyCommit (NoCommit and FullCommit mean third parties never vote, as in KTAB)")
    inter_vec_brgn: InterVecBrgn = option(
        "S2P2", "KTAB InterVecBrgn: how a bargain interpolates the two positions")
    bargn_model: BargnModel = option(
        "InitOnlyInterp", "KTAB BargnModel: whose view of the bargain enters the queues")
    compat: bool = option(False, "reproduce KTAB 1.4 exactly, quirks and failures included (default: corrected "
                          "mode, which fixes the defects of reference section 8)")


# -- small pieces: votes, victory probabilities, PCEs ---------------------------------
def _total(a: FloatArray, axis: int, sequential: bool) -> FloatArray:
    """Sum along ``axis``; ``sequential`` adds left to right as KTAB's loops do."""
    if sequential:
        return np.take(np.cumsum(a, axis=axis), -1, axis=axis)
    return a.sum(axis=axis)


def _carried(start: FloatArray, a: FloatArray, axis: int) -> FloatArray:
    """start + a_0 + a_1 + ... along ``axis``, left to right: a running sum of KTAB's carried on over ``a``
    (a new array of the caller's, which this adds ``start`` into)."""
    np.moveaxis(a, axis, 0)[0] += start
    return _total(a, axis, True)


def vote(rule: VotingRule, w: Any, du: Any) -> FloatArray:
    """KTAB's ``Model::vote``: actor weight ``w`` times the response to a utility gap ``du``."""
    du = np.asarray(du, dtype=float)
    if rule == "ASymProsp":  # in KTAB's order of operations: (2 w du) / 3 on gains
        return np.asarray(np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0)), dtype=float)
    return np.asarray(w * _response(rule, du), dtype=float)


def _response(rule: VotingRule, du: FloatArray) -> FloatArray:
    """g(du) with vote = w g(du) (for ``ASymProsp`` as the coalition sums weigh it); may return ``du``."""
    if rule == "Prop":
        return du
    r_bin = np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "Binary":
        return r_bin
    if rule == "PropBin":
        return (1 - 0.2) * du + 0.2 * r_bin
    cubic = du * du * du
    if rule == "PropCbc":
        return (1 - 0.5) * du + 0.5 * cubic
    if rule == "Cubic":
        return cubic
    return np.where(du > 0.0, du * (2.0 / 3.0), du)  # ASymProsp


def coalitions(U: FloatArray, w: FloatArray, rule: VotingRule, *, sequential: bool = False) -> FloatArray:
    """Coalition strengths C[..., a, b] for option a against b (``Model::coalitions``).

    ``U[..., k, a]`` is actor k's utility of option a, ``w[k]`` its weight. As in KTAB,
    each pair is voted in the orientation (a, b) with a > b; this matters only for the
    asymmetric ``ASymProsp`` rule.
    """
    *lead, n, q = U.shape
    batch = int(np.prod(lead))
    block = max(1, _BLOCK_ELEMENTS // max(batch * q * q, 1))
    # running sums start at KTAB's minimum coalition and are carried from block to block
    pos = np.full((*lead, q, q), _MIN_COALITION)
    neg = pos.copy()
    for start in range(0, n, block):
        Uk = U[..., start : start + block, :]
        du = Uk[..., :, :, None] - Uk[..., :, None, :]  # [..., k, a, b] = U[k, a] - U[k, b]
        if not sequential:
            # w_k * max(0, g(du)) summed over k as one matrix product (w >= 0)
            wk = w[start : start + block]
            g = _response(rule, du)
            flat = np.maximum(g, 0.0).reshape(*lead, wk.size, q * q)
            pos = pos + np.matmul(wk, flat).reshape(*lead, q, q)
            if rule == "ASymProsp":
                flat = np.maximum(-g, 0.0).reshape(*lead, wk.size, q * q)
                neg = neg + np.matmul(wk, flat).reshape(*lead, q, q)
            continue
        v = vote(rule, w[start : start + block, None, None], du)
        pos = _carried(pos, np.maximum(v, 0.0), -3)
        if rule == "ASymProsp":
            neg = _carried(neg, np.maximum(-v, 0.0), -3)
    if rule == "ASymProsp":
        lower = np.tril(np.ones((q, q), dtype=bool), -1)
        C: FloatArray = np.where(lower, pos, np.swapaxes(neg, -1, -2))
        idx = np.arange(q)
        C[..., idx, idx] = _MIN_COALITION
        return C
    return pos


def victory_probabilities(C: FloatArray, model: VictoryProbModel) -> FloatArray:
    """V[..., a, b] = P[a beats b] from coalition strengths (``Model::vProb``); V[a, a] = 1/2."""
    q = C.shape[-1]
    lower = np.tril(np.ones((q, q), dtype=bool), -1)
    CT = np.swapaxes(C, -1, -2)
    s1 = np.where(lower, C, CT)  # at (a, b), a > b: C[a, b]
    s2 = np.where(lower, CT, C)  # and C[b, a]
    squarings = {"Linear": 0, "Square": 1, "Quartic": 2, "Octic": 3}.get(model)
    if squarings is not None:  # s^(2^squarings): s * s, squared again
        x1, x2 = s1, s2
        for _ in range(squarings):
            x1, x2 = x1 * x1, x2 * x2
    else:  # Binary
        thresh = 1.10
        r12 = s1 / (s1 + s2)
        p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(s1 >= thresh * s2, 1.0, np.where(s2 >= thresh * s1, 1e-6, p12))
        x2 = np.where(s1 >= thresh * s2, 1e-6, np.where(s2 >= thresh * s1, 1.0, 1.0 - p12))
    total = x1 + x2
    V: FloatArray = np.where(lower, x1 / total, np.swapaxes(x2 / total, -1, -2))
    idx = np.arange(q)
    V[..., idx, idx] = 0.5
    return V


def conditional_pce(V: FloatArray, *, compat: bool = False) -> FloatArray:
    """P(a) proportional to prod_b V(a, b) (``Model::condPCE``); log-domain unless ``compat``."""
    if compat:
        p = np.asarray(np.cumprod(V, axis=-1)[..., -1], dtype=float)
        total = _total(p, -1, True)[..., None]
        if np.any(total <= 0) or not np.all(np.isfinite(total)):
            raise EngineError("KTAB's conditional PCE underflows to 0/0 here (compat mode)")
        return p / total
    with np.errstate(divide="ignore"):
        logs = np.log(V).sum(axis=-1)
    top = logs.max(axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(logs - top)
    total = e.sum(axis=-1, keepdims=True)
    return np.where(total > 0, e / np.where(total > 0, total, 1.0), 1.0 / V.shape[-1])


def _markov(step: Any, p0: FloatArray, tol: float, *, compat: bool) -> FloatArray:
    """Iterate p <- (p + step(p)) / 2 until max |step(p) - p| <= tol, per batch item."""
    p = p0.copy()
    active = np.ones(p.shape[:-1], dtype=bool)
    for _ in range(_MARKOV_MAX_ITER):
        if not active.any():
            break
        q = step(p)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active &= change > tol
    else:
        if compat and active.any():
            raise EngineError(f"KTAB's Markov PCE did not converge in {_MARKOV_MAX_ITER} iterations (compat mode)")
    return p / p.sum(axis=-1, keepdims=True) if not compat else p


def markov_uniform_pce(V: FloatArray, *, compat: bool = False) -> FloatArray:
    """``Model::markovUniformPCE``: q_a = (1/M) sum_b V(a, b)(p_a + p_b), averaged, tol 1e-6."""
    M = V.shape[-1]

    def step(p: FloatArray) -> FloatArray:
        s = V * (p[..., :, None] + p[..., None, :])
        return _total(s, -1, compat) / M

    return _markov(step, np.full(V.shape[:-1], 1.0 / M), 1e-6, compat=compat)


def markov_incentive_pce(C: FloatArray, V: FloatArray, *, compat: bool = False) -> FloatArray:
    """``Model::markovIncentivePCE``: challenges in proportion to incentive C(a,b) V(a,b), tol 1e-8."""
    M = V.shape[-1]
    inc = C * V
    idx = np.arange(M)
    inc[..., idx, idx] += 1e-10
    chl = inc / _total(inc, -2, compat)[..., None, :]  # chl[a, b] = P[a challenges b | b]

    def step(p: FloatArray) -> FloatArray:
        ct = p[..., :, None] * np.swapaxes(chl, -1, -2)  # ct[a, b] = p_a P[b -> a]
        s = V * (ct + np.swapaxes(ct, -1, -2))
        return _total(s, -1, compat)

    return _markov(step, np.full(V.shape[:-1], 1.0 / M), 1e-8, compat=compat)


def pce(U: FloatArray, w: FloatArray, opts: KtabOptions) -> FloatArray:
    """``Model::scalarPCE``: option probabilities from utilities U[..., actor, option] and weights w."""
    C = coalitions(U, w, opts.voting_rule, sequential=opts.compat)
    V = victory_probabilities(C, opts.victory_prob_model)
    if opts.pce_model == "Conditional":
        p = conditional_pce(V, compat=opts.compat)
    elif opts.pce_model == "MarkovUniform":
        p = markov_uniform_pce(V, compat=opts.compat)
    else:  # MarkovIncentive
        p = markov_incentive_pce(C, V, compat=opts.compat)
    if opts.compat and np.any(np.abs(p.sum(axis=-1) - 1.0) >= 1e-8):
        raise EngineError("KTAB's PCE probabilities do not sum to 1 here (compat mode)")
    return p


def risk_from_probabilities(p: FloatArray, rng_name: BigRRange, *, compat: bool = False) -> FloatArray:
    """``Model::bigRfromProb``: the likeliest position's owner is the most risk averse."""
    p_min = float(min(1.0, p.min()))
    p_max = float(max(0.0, p.max()))
    spread = p_max - p_min
    if spread <= 1e-12:
        if compat:
            raise EngineError(
                "all positions are equally likely: KTAB divides by zero inferring risk attitudes (compat mode)"
            )
        return np.zeros_like(p)
    if rng_name == "Min":
        return (p - p_min) / spread
    if rng_name == "Mid":
        return (3 * p - (p_max + 2 * p_min)) / (2 * spread)
    return (2 * p - (p_max + p_min)) / spread  # Max


def estimated_risk(R: FloatArray, adjust: BigRAdjust) -> FloatArray:
    """Rhi[h, i]: h's estimate of i's risk attitude (``Model::estNRA``), (a R_h + b R_i) / d."""
    a, b, d = _RISK_ESTIMATES[adjust]
    return (a * R[:, None] + b * R[None, :]) / d


def distances(ideals: FloatArray, P: FloatArray, S: FloatArray, *, compat: bool = False) -> FloatArray:
    """D[i, j] = sqrt(sum_k (s_ik (q_ik - p_jk))^2 / sum_k s_ik^2) (``SMPModel::bvDiff``).

    An actor with no salience at all is indifferent (distance 0) in corrected mode.
    """
    ds = (ideals[:, None, :] - P[None, :, :]) * S[:, None, :]
    num = _total(ds * ds, -1, compat)
    den = _total(S * S, -1, compat)
    return np.where(den[:, None] > 0, np.sqrt(num / np.where(den > 0, den, 1.0)[:, None]), 0.0)


def _utility(omd: FloatArray, e: FloatArray, r: Any) -> FloatArray:
    """``SMPModel::bsUtil``: (1 - d)(1 + R d), with (1 - d)(1 + R) when round-off gives d > 1."""
    return omd * (1.0 + e * r)


# -- a state: utilities and risk attitudes ------------------------------------------------
@dataclass(frozen=True)
class _State:
    X: FloatArray  # positions on [0, 1], (n, m); also the actors' ideals (they want where they stand)
    D: FloatArray  # D[i, j]: distance from i's ideal to j's position
    omd: FloatArray  # 1 - D
    E: FloatArray  # min(D, 1)
    R: FloatArray  # risk attitudes (n,)
    Rhi: FloatArray  # Rhi[h, i]

    def own_utilities(self) -> FloatArray:
        """aUtil[i](i, j): each actor's own view of its utility of each position."""
        return _utility(self.omd, self.E, np.diag(self.Rhi)[:, None])


def _make_state(X: FloatArray, S: FloatArray, C: FloatArray, opts: KtabOptions) -> _State:
    D = distances(X, X, S, compat=opts.compat)
    omd = 1.0 - D
    E = np.minimum(D, 1.0)
    p = pce(omd, C, opts)
    R = risk_from_probabilities(p, opts.big_r_range, compat=opts.compat)
    Rhi = estimated_risk(R, opts.big_r_adjust)
    if opts.compat:
        # SMPState::setAllAUtil refuses utilities that the risk attitudes leave unchanged.
        g2 = _total(np.asarray((omd * E) ** 2, dtype=float), -1, True)
        if np.sqrt(np.sum(g2 * R * R)) <= 1e-6:
            raise EngineError("KTAB rejects risk-aware utilities equal to risk-neutral ones (compat mode)")
        dev = np.sqrt(((Rhi - R[None, :]) ** 2) @ g2)
        if np.any(dev <= 1e-6):
            raise EngineError(
                "KTAB rejects an observer's utilities equal to the objective ones"
                + (" (BigRAdjust=Full always does)" if opts.big_r_adjust == "Full" else "")
                + " (compat mode)"
            )
    return _State(X, D, omd, E, R, Rhi)


# -- challenges ----------------------------------------------------------------------
def _challenge_core(uii: FloatArray, uij: FloatArray, uji: FloatArray, ujj: FloatArray, uni: FloatArray,
                    unj: FloatArray, unn: FloatArray, wi: FloatArray, wj: FloatArray, wn: FloatArray,
                    sj: FloatArray, third: BoolArray, opts: KtabOptions) -> tuple[FloatArray, FloatArray]:
    """``SMPState::probEduChlg`` for k = h = observer: (P[i beats j], expected gain to i).

    Principal arrays have one shape; third-party arrays add a trailing actor axis;
    ``third`` is False where n is i or j.
    """
    vr = opts.voting_rule
    eu_sq = uii + uij
    u_vict = uii + uii
    u_loss = uij + uij
    ci = vote(vr, wi, uii - uij)
    cj = vote(vr, wj, uji - ujj)
    chij = (_MIN_CHALLENGE_COALITION + np.where(ci > 0, ci, 0.0)) + np.where(cj > 0, cj, 0.0)
    chji = (_MIN_CHALLENGE_COALITION - np.where(ci < 0, ci, 0.0)) - np.where(cj < 0, cj, 0.0)
    if opts.third_party_commit == "SemiCommit":
        v0 = vote(vr, wn, uni - unj)
        cni = chij[..., None] + np.maximum(v0, 0.0)
        cnj = chji[..., None] - np.minimum(v0, 0.0)
        if opts.compat:  # KTAB's arithmetic, operation for operation
            pin = cni / (cni + cnj)
            pjn = 1.0 - pin
            u_ik_j = pin * (uni + uni + unn) + pjn * (unj + unj + unj)
            u_i_jk = pin * (uni + uni + uni) + pjn * (unj + unj + unn)
            vn = vote(vr, wn, u_ik_j - u_i_jk)
            vn = np.where(third, vn, 0.0)
            chij = _carried(chij, np.maximum(vn, 0.0), -1)
            chji = _carried(chji, np.maximum(-vn, 0.0), -1)
        else:  # the same vote with fewer operations: pi (u_nn - u_ni) - (1 - pi)(u_nn - u_nj)
            cnj += cni
            pin = np.divide(cni, cnj, out=cni)
            bb = unn - unj
            delta = pin * ((unn - uni) + bb)
            delta -= bb
            vn = vote(vr, wn, delta)
            vn *= third
            up = np.maximum(vn, 0.0)
            sum_up = up.sum(axis=-1)
            chji = chji + (sum_up - vn.sum(axis=-1))
            chij = chij + sum_up
    # NoCommit and FullCommit: both lotteries are identical, so third parties never vote.
    total = chij + chji
    phij = chij / total
    phji = chji / total
    eu_contest = phij * u_vict + phji * u_loss
    eu_chlg = (1 - sj) * u_vict + sj * eu_contest
    return phij, eu_chlg - eu_sq


def _all_challenges(st: _State, C: FloatArray, stot: FloatArray,
                    opts: KtabOptions) -> tuple[FloatArray, FloatArray]:
    """P[i, j] and gain[i, j] of i challenging j, as i estimates them (O(n^3), in blocks)."""
    n = st.X.shape[0]
    omdT = np.ascontiguousarray(st.omd.T)
    ET = np.ascontiguousarray(st.E.T)
    w_eff = stot * C
    P = np.zeros((n, n))
    G = np.full((n, n), -np.inf)
    ar = np.arange(n)
    block = max(1, _BLOCK_ELEMENTS // max(n * n, 1))
    for start in range(0, n, block):
        idx = ar[start : start + block]
        bi = np.arange(idx.size)
        # Ub[b, y, x] = U^h(x, y), h = idx[b]: h's estimate of x's utility of y's position
        Ub = omdT[None, :, :] * (1.0 + ET[None, :, :] * st.Rhi[idx][:, None, :])
        diag = Ub[:, ar, ar]  # (b, x): U^h(x, x)
        col_i = Ub[bi, idx, :]  # (b, x): U^h(x, i)
        uii = diag[bi, idx]
        uij = Ub[bi, :, idx]  # (b, j): U^h(i, j)
        third = (ar[None, None, :] != idx[:, None, None]) & (ar[None, :, None] != ar[None, None, :])
        p, g = _challenge_core(uii[:, None], uij, col_i, diag, col_i[:, None, :], Ub, diag[:, None, :],
                               w_eff[idx][:, None], w_eff[None, :], w_eff, stot[None, :], third, opts)
        P[idx] = p
        G[idx] = g
    G[ar, ar] = -np.inf
    return P, G


def _receiver_estimates(st: _State, C: FloatArray, stot: FloatArray, i: IntArray, j: IntArray,
                        opts: KtabOptions) -> FloatArray:
    """The receiver's estimate of P[i beats j] for given pairs, h = j (O(n) each)."""
    n = st.X.shape[0]
    omdT = st.omd.T
    ET = st.E.T
    Rh = st.Rhi[j]
    uxi = omdT[i] * (1.0 + ET[i] * Rh)  # U^h(x, i)
    uxj = omdT[j] * (1.0 + ET[j] * Rh)  # U^h(x, j)
    uxx = np.diag(st.omd)[None, :] * (1.0 + np.diag(st.E)[None, :] * Rh)
    L = np.arange(j.size)
    ar = np.arange(n)
    third = (ar[None, :] != i[:, None]) & (ar[None, :] != j[:, None])
    w_eff = stot * C
    p, _ = _challenge_core(uxi[L, i], uxj[L, i], uxi[L, j], uxj[L, j], uxi, uxj, uxx,
                           w_eff[i], w_eff[j], w_eff, stot[j], third, opts)
    return p


# -- bargains ------------------------------------------------------------------------
def _round4(x: FloatArray) -> FloatArray:
    return np.floor(0.5 + x * 10000.0) / 10000.0


def interpolate(xi: FloatArray, si: FloatArray, xj: FloatArray, sj: FloatArray, p_i: FloatArray,
                method: InterVecBrgn) -> tuple[FloatArray, FloatArray]:
    """``SMPActor::interpolateBrgn`` for rows of bargains: (i's new position, j's new position)."""
    pi = p_i[:, None]
    pj = 1 - pi
    if method == "S2PMax":
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + 1e-6 + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + 1e-6 + ((1 - dj) * sj2))
        return xi + dik * (xj - xi), xj + djk * (xi - xj)
    if method == "S2P2":
        wik = (si * si) * (pi * pi)
        wjk = (sj * sj) * (pj * pj)
    else:  # S1P1
        wik = si * pi
        wjk = sj * pj
    denom = wik + 1e-6 + wjk
    bi = _round4(((wik + 1e-6) * xi + wjk * xj) / denom)
    bj = _round4((wik * xi + (1e-6 + wjk) * xj) / denom)
    return bi, bj


@dataclass(frozen=True)
class _Bargains:
    init: IntArray
    rcvr: IntArray
    pos_init: FloatArray  # (B, m)
    pos_rcvr: FloatArray


def _propose(st: _State, S: FloatArray, C: FloatArray, stot: FloatArray, target: IntArray, P: FloatArray,
             opts: KtabOptions) -> _Bargains:
    i = np.flatnonzero(target >= 0)
    j = target[i]
    xi, xj = st.X[i], st.X[j]
    si, sj = S[i], S[j]
    bi, bj = interpolate(xi, si, xj, sj, P[i, j], opts.inter_vec_brgn)
    if opts.bargn_model == "InitOnlyInterp":
        return _Bargains(i, j, bi, bj)
    p_j = _receiver_estimates(st, C, stot, i, j, opts)  # j's estimate that i beats j
    ci_, cj_ = interpolate(xi, si, xj, sj, p_j, opts.inter_vec_brgn)
    if opts.bargn_model == "InitRcvrInterp":
        # both views go into both queues, i's view first
        m = S.shape[1]
        return _Bargains(np.repeat(i, 2), np.repeat(j, 2), np.stack([bi, ci_], axis=1).reshape(-1, m),
                         np.stack([bj, cj_], axis=1).reshape(-1, m))
    wi = (C[i] * stot[i])[:, None]
    # KTAB weighs the receiver's view with the initiator's capability (a quirk kept in compat)
    wj = ((C[i] if opts.compat else C[j]) * stot[j])[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        pi_ = (wi * bi + wj * ci_) / (wi + wj)
        pj_ = (wi * bj + wj * cj_) / (wi + wj)
    if not opts.compat:
        both_zero = (wi + wj) <= 0
        pi_ = np.where(both_zero, (bi + ci_) / 2, pi_)
        pj_ = np.where(both_zero, (bj + cj_) / 2, pj_)
    return _Bargains(i, j, pi_, pj_)


def _bargain_utilities(st: _State, S: FloatArray, brg: _Bargains, opts: KtabOptions) -> FloatArray:
    """u[a, 0] = value to a of the status quo, u[a, 1 + b] of bargain b (mean over all actors)."""
    n = st.X.shape[0]
    Uown = st.own_utilities()  # aUtil[a](a, n)
    B = brg.init.size
    out = np.empty((n, 1 + B))
    out[:, 0] = _total(Uown, -1, opts.compat) / n
    if B == 0:
        return out
    d_i = distances(st.X, brg.pos_init, S, compat=opts.compat)  # (a, b)
    d_r = distances(st.X, brg.pos_rcvr, S, compat=opts.compat)
    R = st.R[:, None]
    u_i = _utility(1.0 - d_i, np.minimum(d_i, 1.0), R)
    u_r = _utility(1.0 - d_r, np.minimum(d_r, 1.0), R)
    if opts.compat:
        block = max(1, _BLOCK_ELEMENTS // max(n * n, 1))
        ar = np.arange(n)
        for start in range(0, B, block):
            sl = slice(start, start + block)
            keep = (ar[None, :] != brg.init[sl, None]) & (ar[None, :] != brg.rcvr[sl, None])  # (b, n)
            # KTAB's sum per actor: the two parties' new utilities first, then everyone else's as they are
            arr = np.concatenate([u_i[:, sl, None], u_r[:, sl, None],
                                  np.where(keep[None], Uown[:, None, :], 0.0)], axis=-1)
            out[:, 1 + start : 1 + start + keep.shape[0]] = _total(arr, -1, True) / n
    else:
        total = Uown.sum(axis=1)[:, None]
        out[:, 1:] = (total - Uown[:, brg.init] - Uown[:, brg.rcvr] + u_i + u_r) / n
    return out


def _resolve(st: _State, S: FloatArray, C: FloatArray, brg: _Bargains, opts: KtabOptions,
             rng: np.random.Generator) -> tuple[FloatArray, IntArray]:
    """Each actor's queue is resolved by a PCE over bargains; returns new X and chosen bargain (-1 = SQ)."""
    n = st.X.shape[0]
    U = _bargain_utilities(st, S, brg, opts)
    queues: list[list[int]] = [[0] for _ in range(n)]
    for b in range(brg.init.size):
        queues[int(brg.init[b])].append(1 + b)
        queues[int(brg.rcvr[b])].append(1 + b)
    by_size: dict[int, list[int]] = {}  # actors with a bargain in their queue, by queue length
    for k, qk in enumerate(queues):
        if len(qk) > 1:
            by_size.setdefault(len(qk), []).append(k)
    # one draw per actor, in actor order, whether or not its queue needs it: reproducible
    draws = np.asarray(rng.random(n), dtype=float) if opts.state_transitions == "Stochastic" else None
    chosen = np.full(n, -1, dtype=np.intp)
    for ks in by_size.values():
        probs = pce(np.moveaxis(U[:, np.array([queues[k] for k in ks])], 0, 1), C, opts)  # (G, q)
        for k, p in zip(ks, probs, strict=True):
            if draws is not None:
                cum = np.cumsum(p)
                m = min(int(np.searchsorted(cum, float(draws[k]) * float(cum[-1]), side="right")), p.size - 1)
            else:
                m = int(np.argmax(p))
            chosen[k] = queues[k][m] - 1
    movers = np.flatnonzero(chosen >= 0)
    picked = chosen[movers]
    Xn = st.X.copy()
    Xn[movers] = np.where((brg.init[picked] == movers)[:, None], brg.pos_init[picked], brg.pos_rcvr[picked])
    return Xn, chosen


# -- forecasts -------------------------------------------------------------------------
def _distinct_ktab(near: BoolArray) -> IntArray:
    """KTAB's ``ueIndices``: the actors whose positions are distinct, each position matched greedily to the
    first earlier distinct one within 1e-3 (``near[i, j]``: positions i and j are that close)."""
    uniq: list[int] = []
    for i in range(near.shape[0]):
        if not near[i, uniq].any():
            uniq.append(i)
    return np.array(uniq, dtype=np.intp)


def _groups_transitive(near: BoolArray) -> IntArray:
    """Connected components of 'within 1e-3': order-independent grouping; group ids by first member."""
    n = near.shape[0]
    label = np.arange(n)
    while True:
        new = np.where(near, label[None, :], n).min(axis=1)
        if np.array_equal(new, label):
            break
        label = new
    _, group = np.unique(label, return_inverse=True)
    return group.astype(np.intp)


@dataclass(frozen=True)
class _Outcome:
    positions: FloatArray  # (u, m) distinct positions on [0, 1]
    prob: FloatArray  # (u,)
    actor_prob: FloatArray  # (n,): probability of the position each actor holds


def _outcome(st: _State, S: FloatArray, C: FloatArray, opts: KtabOptions) -> _Outcome:
    near = np.sqrt(((st.X[:, None, :] - st.X[None, :, :]) ** 2).sum(-1)) < _POSITION_TOLERANCE
    if opts.compat:
        uniq = _distinct_ktab(near)
        U = st.own_utilities()[:, uniq]
        p = pce(U, C, opts)
        # State::posProb: the *last* distinct position within tolerance of the actor's
        within = near[:, uniq]
        last = within.shape[1] - 1 - np.argmax(within[:, ::-1], axis=1)
        return _Outcome(st.X[uniq], p, p[last])
    group = _groups_transitive(near)
    ng = int(group.max()) + 1
    counts = np.bincount(group, minlength=ng).astype(float)
    reps = np.zeros((ng, st.X.shape[1]))
    np.add.at(reps, group, st.X)
    reps /= counts[:, None]
    d = distances(st.X, reps, S)
    U = _utility(1.0 - d, np.minimum(d, 1.0), np.diag(st.Rhi)[:, None])
    p = pce(U, C, opts)
    return _Outcome(reps, p, p[group])


def _marginals(out: _Outcome) -> list[list[tuple[float, float]]]:
    """Per issue, (position on 0-100, probability) with the probabilities of equal coordinates added up."""
    result = []
    for column in out.positions.T:
        keys, group = np.unique([round(float(x) * 100.0, 10) for x in column], return_inverse=True)
        result.append(list(zip(keys.tolist(), np.bincount(group, weights=out.prob).tolist(), strict=True)))
    return result


# -- the engine ---------------------------------------------------------------------
def _prepare(X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray,
             opts: KtabOptions) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The inputs as the model uses them; the model layer has checked them (finite, positions on the 0-100
    scale the spec maps them onto, saliences in [0, 1], capabilities >= 0), only KTAB's own limits are left."""
    n = X.shape[0]
    S = np.where(mask, S, 0.0)
    totals = _total(S, -1, True)
    if opts.compat:
        if not 3 <= n <= 250:
            raise EngineError(f"ktab compat mode: KTAB needs 3 to 250 actors, got {n}")
        if np.any(C <= 0):
            raise EngineError("ktab compat mode: KTAB rejects an actor with zero capability")
        if np.any(totals <= 0):
            raise EngineError("ktab compat mode: KTAB rejects an actor with no salience on any issue")
        if np.any(totals > 1 + 1e-9):
            raise EngineError("ktab compat mode: KTAB needs each actor's saliences to total at most 100")
    else:  # saliences that total more than 100 are rescaled to total 100
        over = totals > 1.0
        S = np.where(over[:, None], S / np.where(over, totals, 1.0)[:, None], S)
    return X / 100.0, S, C


@dataclass
class KtabState:
    """One game: KTAB's state on [0, 1] and what its stopping rule and reports need."""

    st: _State
    S: FloatArray  # saliences as the model uses them (no stance: 0; totals above 1 rescaled)
    C: FloatArray
    stot: FloatArray
    shown: FloatArray  # (n, m) positions on 0-100 as reported (round 0: the inputs exactly)
    outcome: _Outcome
    opts: KtabOptions
    rng: np.random.Generator
    held: BoolArray  # (n, m) True where the actor has no stance: it stays at ``fill`` there
    fill: FloatArray  # (n, m) the inputs on [0, 1] (the status quo where there is no stance)
    d01: float = 0.0  # distance moved in turn 1
    moved: float = 0.0  # distance moved in the last turn
    turns: tuple[dict[str, Any], ...] = ()
    actor_probability: tuple[FloatArray, ...] = ()
    last_moves: tuple[Move, ...] = ()


class KtabModel(RoundModel):
    """KTAB's SMP as a state and one turn (all issues jointly)."""

    joint = True

    def start(self, X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray,
              opts: KtabOptions, rng: np.random.Generator | None) -> KtabState:
        x0, Sx, Cx = _prepare(X[0], S[0], C[0], mask, opts)
        st = _make_state(x0, Sx, Cx, opts)
        outcome = _outcome(st, Sx, Cx, opts)
        return KtabState(st, Sx, Cx, _total(Sx, -1, True), np.asarray(X[0], dtype=float), outcome, opts,
                         rng if rng is not None else np.random.default_rng(DEFAULT_SEED),
                         ~np.asarray(mask, dtype=bool), x0.copy(), actor_probability=(outcome.actor_prob,))

    def step(self, state: KtabState, active: BoolArray, t: int, record: bool) -> KtabState:
        if not active.any():
            return state
        st, opts, Sx, Cx = state.st, state.opts, state.S, state.C
        P, G = _all_challenges(st, Cx, state.stot, opts)
        valid = G > _MIN_SIGNIFICANT_GAIN
        target = np.where(valid.any(axis=1), np.argmax(np.where(valid, G, -np.inf), axis=1), -1)
        brg = _propose(st, Sx, Cx, state.stot, target, P, opts)
        Xn, chosen = _resolve(st, Sx, Cx, brg, opts, state.rng)
        # no one moves on an issue it has no stance on (docs/schema.md), though a joint bargain carries the others
        Xn = np.where(state.held, state.fill, Xn)
        moves: list[Move] = []
        turns = (*state.turns, _explain(t, st, Xn, target, G, P, brg, chosen, moves)) if record else ()
        moved = float(np.sum(np.sqrt(((Xn - st.X) ** 2).sum(axis=1))))
        new = _make_state(Xn, Sx, Cx, opts)
        outcome = _outcome(new, Sx, Cx, opts)
        return dataclasses.replace(state, st=new, shown=Xn * 100.0, outcome=outcome, moved=moved,
                                   d01=moved if t == 1 else state.d01, turns=turns, last_moves=tuple(moves),
                                   actor_probability=(*state.actor_probability, outcome.actor_prob))

    def positions(self, state: KtabState) -> FloatArray:
        return state.shown[None]

    def forecast(self, state: KtabState) -> FloatArray:
        """The probability-weighted position: KTAB's pDist(-1) over the distinct positions."""
        return (state.outcome.prob @ state.outcome.positions * 100.0)[None]

    def tolerance(self, state: KtabState) -> FloatArray:
        return np.full((1, state.shown.shape[1]), _CYCLE_TOLERANCE * 100.0)

    def limit(self, opts: KtabOptions) -> int:
        return _STOP_MAX_TURNS

    def repeats(self, opts: KtabOptions) -> bool:
        return opts.state_transitions == "Deterministic"  # a drawn bargain may leave a state it revisited

    def repeat_stops(self, opts: KtabOptions) -> int:
        """Corrected mode stops at a cycle; compat mode runs on as KTAB does (its own rule handles a
        state that stands still)."""
        return 0 if opts.compat else 2

    def settled(self, state: KtabState, t: int) -> tuple[BoolArray, str] | None:
        done = t >= _STOP_MIN_TURNS and state.moved / (state.d01 + _STOP_DELTA) < _STOP_RATIO
        return np.full((1, state.shown.shape[1]), done), f"converged: turn {t} moved less than 2% of turn 1"

    def shocked(self, state: KtabState, X: FloatArray, S: FloatArray, C: FloatArray, mask: BoolArray) -> KtabState:
        """Positions an event left alone keep their exact [0, 1] values; an actor the event moved
        wants where it was put (its ideal moves too)."""
        x0, Sx, Cx = _prepare(X[0], S[0], C[0], mask, state.opts)
        held = ~np.asarray(mask, dtype=bool)
        fill = np.where(held, x0, state.fill)
        kept = X[0] == state.shown
        st = _make_state(np.where(kept, state.st.X, X[0] / 100.0), Sx, Cx, state.opts)
        outcome = _outcome(st, Sx, Cx, state.opts)
        return dataclasses.replace(state, st=st, S=Sx, C=Cx, stot=_total(Sx, -1, True), shown=np.array(X[0]),
                                   outcome=outcome, held=held, fill=fill)

    def risk(self, state: KtabState) -> FloatArray:
        return state.st.R[None]

    def moves(self, state: KtabState) -> list[Move]:
        return list(state.last_moves)

    def extras(self, state: KtabState) -> dict[str, Any]:
        final = state.outcome
        return {
            "distribution": _marginals(final),
            "outcomes": [(tuple(float(v) * 100.0 for v in x), float(p))
                         for x, p in zip(final.positions, final.prob, strict=True)],
            "actor_probability": np.stack(state.actor_probability),
            "turns": list(state.turns),
        }


def run_ktab(X: FloatArray, S: FloatArray, C: FloatArray, Q: FloatArray, mask: BoolArray, *,
             rounds: int | None = None, rng: np.random.Generator | None = None, **options: Any) -> Trajectory:
    """KTAB's SMP on all issues jointly (see the module docstring) in the shared loop;
    ``options`` are :class:`KtabOptions` fields (an unknown one raises)."""
    return EngineSpec("ktab", "", KtabOptions, model=KtabModel()).run(X, S, C, Q, mask, rounds=rounds, rng=rng,
                                                                      **options)


def _explain(t: int, st: _State, Xn: FloatArray, target: IntArray, G: FloatArray, P: FloatArray,
             brg: _Bargains, chosen: IntArray, moves: list[Move]) -> dict[str, Any]:
    """One turn's explanation (O(n m)): targets, gains, bargains, choices; appends Moves."""
    n = st.X.shape[0]
    has = target >= 0
    j = np.where(has, target, 0)
    gain = np.where(has, G[np.arange(n), j], np.nan)
    prob = np.where(has, P[np.arange(n), j], np.nan)
    for k in np.flatnonzero(chosen >= 0):
        b = int(chosen[k])
        initiated = int(brg.init[b]) == k
        other = int(brg.rcvr[b]) if initiated else int(brg.init[b])
        kind = "proposed" if initiated else "accepted"
        for d in np.flatnonzero(Xn[k] != st.X[k]):
            moves.append(Move(t, int(d), int(k), other, kind, float(st.X[k, d]) * 100.0, float(Xn[k, d]) * 100.0))
    return {
        "turn": t,
        "target": target.tolist(),
        "gain": gain.tolist(),
        "win_probability": prob.tolist(),
        "bargains": [{"initiator": i, "receiver": r, "initiator_position": xi, "receiver_position": xr}
                     for i, r, xi, xr in zip(brg.init.tolist(), brg.rcvr.tolist(), (brg.pos_init * 100.0).tolist(),
                                             (brg.pos_rcvr * 100.0).tolist(), strict=True)],
        "chosen": chosen.tolist(),
        "moved": (Xn != st.X).any(axis=1).tolist(),
    }
