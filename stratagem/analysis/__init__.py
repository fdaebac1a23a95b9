"""The analysis layer: everything computed from a scenario with the engines, below the CLI and web app.

- ``forecast``: one engine on one scenario (a run, its trajectory, per-issue forecasts);
- ``timeline``: shocks at round r of the shared round loop;
- ``ensemble``: forecast distributions over the inputs' ranges, in fixed chunks with their own seeds;
- ``explain``: local sensitivities, variance shares and whom to persuade;
- ``backtest``, ``learned``, ``metrics``: scoring engines and learned forecasters against outcomes;
- ``executor``: the one place many tasks run (here, in forked local workers, or on Dask);
- ``frames``: results as pandas DataFrames (optional).

It imports the model and engines only; nothing here prints.
"""
