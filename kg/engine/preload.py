"""Imported once by the worker pool's fork server (`local._context`) where a build uses the default
vocabulary: the server imports spaCy and kg and builds the pipeline, and every worker forked from it
starts with it built (shared copy-on-write) instead of building its own. On 2 cores that is a second
of CPU less per worker, and a rebuild's few new papers wait for one pipeline, not for two built side
by side.

The cyclic garbage collector is off meanwhile: the imports and the pipeline make a few hundred
thousand objects that all live on, and the collections their allocation sets off would walk them
again and again (on 2 cores, 0.9 s of the server's 2.3 s). They are then frozen (`gc.freeze`):
the workers' collections never walk them either, nor write to their pages, which stay shared.

Extraction then makes and drops a great many small objects (tokens' lists, candidates, records),
nearly all freed by reference counting; a young generation of 50,000 objects instead of 700 runs
the collector a seventieth as often for the same garbage (about 8% less extraction CPU)."""
import gc

gc.disable()
try:
    import kg.engine.local  # noqa: F401  (what every worker runs)
    from kg.engine.phases import worker_nlp

    try:
        import kg.nlp.extract  # noqa: F401

        worker_nlp(None)
    except Exception:  # noqa: BLE001 - a worker builds its own then, and reports what fails
        pass
finally:
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)
    gc.enable()
