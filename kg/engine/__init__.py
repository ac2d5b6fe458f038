"""Build engines: streaming, batched builds on all cores (`local`) or on a Dask cluster (`dask`),
with an extraction cache for incremental builds. `build_folder` is the entry point."""
from kg.engine.build import ENGINES, BuildSummary, build_folder

__all__ = ["ENGINES", "BuildSummary", "build_folder"]
