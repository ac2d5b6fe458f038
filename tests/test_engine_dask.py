"""The Dask engine on a LocalCluster of 2 workers gives exactly the local engine's triples."""
import pytest

pytest.importorskip("distributed")

from kg.engine import build_folder  # noqa: E402
from kg.ingest import read_sample  # noqa: E402


def test_dask_equals_local(tmp_path):
    papers = list(read_sample())[:40]
    local = build_folder(papers, tmp_path / "local", formats="nt,csv", n_process=1, batch_size=10, cache=False)
    dask = build_folder(papers, tmp_path / "dask", formats="nt,csv", engine="dask", n_process=2, batch_size=10)
    assert dask.engine == "dask" and dask.workers == 2
    assert (dask.papers, dask.triples) == (local.papers, local.triples)
    for name in ("graph.nt", "entities.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert dask.cache_misses == 40


def test_dask_rebuild_from_the_kept_state_equals_a_clean_build(tmp_path):
    papers = list(read_sample())[:40]
    build_folder(papers[:30], tmp_path / "dask", formats="nt,csv", engine="dask", n_process=2, batch_size=10)
    s = build_folder(papers, tmp_path / "dask", formats="nt,csv", engine="dask", n_process=2, batch_size=10)
    assert s.from_state and s.incremental >= 10
    build_folder(papers, tmp_path / "clean", formats="nt,csv", n_process=1, cache=False)
    for name in ("graph.nt", "entities.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
