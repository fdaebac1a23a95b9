"""The web layer: the local web app (``stratagem serve``), calling the same library functions as the CLI.

``app`` holds the pages and the JSON API, ``editing`` and ``roundtrip`` edit scenarios and move them
between the app and files, ``runs`` and ``tasks`` compute forecasts and ensembles in ``workers``
processes, ``state`` is the app's view of built-ins and stored versions, ``security`` the CSRF, size
and host checks, ``server`` the uvicorn entry point.
"""
