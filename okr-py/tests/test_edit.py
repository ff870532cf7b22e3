"""okr.edit: the shared edit cases (tests/edit/cases.json) through the Python package."""

import datetime
import json
import pathlib
import shutil

import pytest

import okr

EDIT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "edit"


def cases():
    return json.loads((EDIT / "cases.json").read_text())


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"{c['file']}:{c.get('expected', 'refused')}")
def test_shared_cases(case, tmp_path):
    file = tmp_path / case["file"]
    shutil.copy(EDIT / case["file"], file)
    before = file.read_text()
    if "expected" in case:
        new = okr.edit(file, case["edit"])
        expected = (EDIT / case["expected"]).read_text()
        assert new == expected
        assert file.read_text() == expected
    else:
        with pytest.raises(okr.OkrError) as err:
            okr.edit(file, case["edit"])
        assert str(err.value) == case["refused"]
        assert file.read_text() == before


def test_dates_and_unknown_ids(tmp_path):
    file = tmp_path / "okrs.yaml"
    shutil.copy(EDIT / "flow.yaml", file)
    edit = {"edit": "check_in", "key_result": "p99",
            "check_in": {"date": datetime.date(2021, 8, 22), "value": 290}}
    assert okr.edit(file, edit) == (EDIT / "flow.check-in.yaml").read_text()
    with pytest.raises(okr.UnknownIdError, match="did you mean `p99`"):
        okr.edit(file, {"edit": "check_in", "key_result": "p98",
                        "check_in": {"date": "2021-08-22", "value": 1}})
