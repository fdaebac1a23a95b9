"""The evidence layer: from documents to cited evidence, with rules only (no models, no network).

Reading and cleaning documents (``ingest``, ``boilerplate``, ``pubdate``, ``metadata``), finding who
is named (``gazetteer``, ``actors``), who said what (``quotes``, ``cues``) and what happened when
(``events``, ``dates``), linking it to a scenario's issues (``issues``), and drafting stances with
citations for an analyst (``draft``, ``accept``, ``skeleton``); ``citations`` and ``sources`` resolve
a cited span back to its words; ``batch`` runs many documents through the shared executor.
Records are plain data (``records``); storing them is the store layer's job.
"""
