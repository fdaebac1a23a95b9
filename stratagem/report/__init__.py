"""The report layer: what a report shows, computed once, and its renderings.

``build`` gathers runs per engine, the ensemble, shocks and explanations; ``charts`` turns them into
plain Plotly figure dicts; ``html`` writes one self-contained HTML file and ``png`` static images;
``evidence`` resolves each number's citations to their words; ``calibration`` is the backtest report.
The web app shows the same figures.
"""
