"""Imported once by the worker pool's fork server (`local._context`) where a build uses the default
vocabulary: the server builds the pipeline, and every worker forked from it starts with it built
(shared copy-on-write) instead of building its own. On 2 cores that is a second of CPU less per
worker, and a rebuild's few new papers wait for one pipeline, not for two built side by side."""
from kg.engine.phases import worker_nlp

try:
    worker_nlp(None)
except Exception:  # noqa: BLE001 - a worker builds its own then, and reports what fails
    pass
