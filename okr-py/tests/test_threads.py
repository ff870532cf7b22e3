"""Python objects used from many threads at once (a thread pool): loading, scoring,
reading tables and explanations while other threads check in. No call may fail or see a
torn scorecard, and the end state must equal the same check-ins applied one by one."""

from __future__ import annotations

import datetime
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Tuple

import okr

AS_OF = datetime.date(2021, 10, 1)


def metric_key_results(card: okr.Scorecard) -> List[str]:
    frame = card.tables().key_results
    return [str(i) for i, k in zip(frame["id"], frame["kind"]) if str(k) == "metric"]


def check_ins(ids: List[str]) -> List[Tuple[str, datetime.date, float]]:
    # One check-in per key result, each on its own date: the end state does not depend on
    # the order in which the threads apply them.
    return [(k, datetime.date(2021, 9, 1 + i % 28), float(i)) for i, k in enumerate(ids)]


def test_loading_and_scoring_in_parallel(example_path: Path) -> None:
    expected = okr.load(example_path).score(as_of=AS_OF)
    ids = okr.load(example_path).objectives

    def work(_: int) -> List[object]:
        card = okr.load(example_path).score(as_of=AS_OF)
        frame = card.tables().objectives
        assert len(frame) == len(ids)
        return [card.objective(o).score for o in ids]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(32)))
    assert all(r == [expected.objective(o).score for o in ids] for r in results)


def test_one_scorecard_shared_by_readers_and_writers(example_path: Path) -> None:
    doc = okr.load(example_path)
    card = doc.score(as_of=AS_OF)
    ids = doc.objectives
    planned = check_ins(metric_key_results(card))
    assert len(planned) >= 10
    writers_done = threading.Event()
    errors: List[BaseException] = []

    def write(chunk: List[Tuple[str, datetime.date, float]]) -> None:
        for kr, day, value in chunk:
            card.check_in(kr, day, value)

    def read(seed: int) -> int:
        reads = 0
        while not writers_done.is_set() or reads < 20:
            o = ids[(seed + reads) % len(ids)]
            e = card.explain(o)
            # One explanation comes from one state of the scorecard: its contributions
            # add up to its score whatever the writers do meanwhile.
            if e["score"] is not None and e["override"] is None:
                total = sum(i["contribution"] or 0.0 for i in e["inputs"])
                assert math.isclose(total, e["score"], abs_tol=1e-9), (o, total, e["score"])
            if reads % 7 == 0:
                assert isinstance(card.validate(), list)
                assert len(card.tables().objectives) == len(ids)
            reads += 1
        return reads

    with ThreadPoolExecutor(max_workers=8) as pool:
        readers = [pool.submit(read, s) for s in range(4)]
        writers = [pool.submit(write, planned[w::4]) for w in range(4)]
        for f in writers:
            try:
                f.result()
            except BaseException as e:  # noqa: BLE001 - collected and re-raised below
                errors.append(e)
        writers_done.set()
        for f in readers:
            try:
                assert f.result() >= 20
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
    assert not errors, errors

    serial = okr.load(example_path).score(as_of=AS_OF)
    for kr, day, value in planned:
        serial.check_in(kr, day, value)
    for o in ids:
        assert card.objective(o) == serial.objective(o), o
    assert len(card.document().to_dict()["objectives"]) == len(ids)
