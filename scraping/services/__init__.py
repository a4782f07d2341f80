"""The write side of the run log: starting, executing, recording and reaping runs.

- :mod:`~scraping.services.runs`: start a run, run a job, re-run one or its failed files;
- :mod:`~scraping.services.items`: a job's items from its source (live or files);
- :mod:`~scraping.services.files`: the items of a file import, file after file;
- :mod:`~scraping.services.execution`: drive items into the write path in batches;
- :mod:`~scraping.services.recording`: problems and crashes as ScrapeErrors, tallies, the
  run's final status and message;
- :mod:`~scraping.services.reaping`: fail the runs whose process died;
- :mod:`~scraping.services.secrets`: keep secrets out of stored parameters.
"""
