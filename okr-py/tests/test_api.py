"""The Python API: loading and saving, scoring, incremental check-ins, validation, policy
and errors. Values are worked out by hand in the comments."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import okr
from conftest import SMALL

AS_OF = datetime.date(2021, 10, 1)


def test_load_dumps_and_round_trip(tmp_path: Path, example_path: Path) -> None:
    doc = okr.load(example_path)
    assert repr(doc) == "<okr.Document: 1 cycles, 27 objectives, 36 key results>"
    assert doc.levels == ["company", "area", "team", "individual"]
    assert doc.cycles == ["2021-H2"]
    for fmt in ("yaml", "json", "toml"):
        again = okr.loads(doc.dumps(fmt), format=fmt)
        assert again.to_dict() == doc.to_dict()
        target = tmp_path / f"copy.{fmt}"
        doc.save(target)
        assert okr.load(target).to_dict() == doc.to_dict()
        # An explicit format overrides the extension.
        odd = tmp_path / f"copy-{fmt}.txt"
        odd.write_text(doc.dumps(fmt))
        assert okr.load(odd, format=fmt).to_dict() == doc.to_dict()


def test_to_dict_is_plain_data() -> None:
    d = okr.loads(SMALL).to_dict()
    assert d["version"] == 1
    assert d["objectives"][2]["aligns_to"] == [{"objective": "top", "weight": 3.0}]
    assert d["objectives"][1]["key_results"][0]["check_ins"] == [{"date": "2021-08-01", "value": 20.0}]


def test_scores_hand_computed() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    assert card.as_of == AS_OF
    # ka: metric 0 → 100 at 20 → 0.2; a takes its only KR.
    assert card.key_result("ka").score == pytest.approx(0.2)
    assert card.objective("a").score == pytest.approx(0.2)
    # kb: binary, latest value false → 0.
    assert card.objective("b").score == 0.0
    # top has no KRs: weighted mean of its children (weights 1 and 3) = 0.2 / 4.
    assert card.objective("top").score == pytest.approx(0.05)
    # Expected progress of a metric without a plan: (d − start + 1) / N days, SPEC §5;
    # 2021-10-01 is day 93 of the 184 days of 2021-07-01..2021-12-31.
    assert card.key_result("ka").expected == pytest.approx(93 / 184)
    # Dates may be strings; the same result.
    assert okr.loads(SMALL).score(as_of="2021-10-01").objective("top") == card.objective("top")


def test_check_ins_update_incrementally() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    # a and its parent top are rescored.
    assert card.check_in("ka", datetime.date(2021, 9, 15), 60) == 2
    assert card.objective("a").score == pytest.approx(0.6)
    assert card.objective("top").score == pytest.approx(0.6 / 4)
    assert card.check_in("kb", "2021-09-20", True, confidence=0.9, note="shipped") == 2
    assert card.objective("top").score == pytest.approx((0.6 + 3 * 1.0) / 4)
    # A check-in after the as-of date does not count yet.
    card.check_in("ka", "2021-11-01", 100)
    assert card.key_result("ka").score == pytest.approx(0.6)
    # The document keeps every check-in, and rescoring it from scratch agrees.
    doc = card.document()
    kb = doc.to_dict()["objectives"][2]["key_results"][0]
    assert kb["check_ins"][-1] == {"date": "2021-09-20", "value": True, "confidence": 0.9, "note": "shipped"}
    assert doc.score(as_of=AS_OF).objective("top") == card.objective("top")


def test_overrides() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    assert card.set_override("top", "2021-09-01", 0.3, reason="judgement") == 1
    assert card.objective("top").score == pytest.approx(0.3)
    # An override dated after the as-of date is not active yet.
    card2 = okr.loads(SMALL).score(as_of=AS_OF)
    card2.set_override("top", "2021-12-01", 0.3)
    assert card2.objective("top").score == pytest.approx(0.05)


def test_unknown_ids() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    for call in (
        lambda: card.objective("nope"),
        lambda: card.key_result("nope"),
        lambda: card.check_in("nope", AS_OF, 1),
        lambda: card.set_override("nope", AS_OF, 1),
    ):
        with pytest.raises(okr.UnknownIdError, match="`nope`") as info:
            call()
        assert isinstance(info.value, KeyError) and isinstance(info.value, okr.OkrError)


def test_bad_arguments_are_python_errors() -> None:
    card = okr.loads(SMALL).score(as_of=AS_OF)
    with pytest.raises(ValueError, match="not a date"):
        card.check_in("ka", "1st of May", 1)
    with pytest.raises(TypeError):
        card.check_in("ka", 20210501, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="number or a bool"):
        card.check_in("ka", AS_OF, "high")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown format `xml`"):
        okr.loads(SMALL, format="xml")


def test_unscored_is_none() -> None:
    doc = okr.loads(
        """
version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
objectives:
  - {id: x, title: X, cycle: H2, level: team, aligns_to: [y], key_results: []}
  - {id: y, title: Y, cycle: H2, level: team, aligns_to: [x], key_results: []}
"""
    )
    s = doc.score(as_of=AS_OF).objective("x")
    assert (s.score, s.progress, s.forecast) == (None, None, None)
    assert "score=None" in repr(s)


def test_validate_and_policy() -> None:
    doc = okr.loads(SMALL)
    findings = doc.validate(as_of=AS_OF)
    # Both KRs last checked in on 2021-08-01, 61 days before the as-of date (> 14).
    stale = sorted((f.subjects[0], f.severity) for f in findings if f.code == "stale_check_in")
    assert stale == [("ka", "warning"), ("kb", "warning")]
    f = next(f for f in findings if f.code == "stale_check_in")
    assert f.path == "objectives[1].key_results[0]" and f.message and f.help
    assert "stale_check_in" in repr(f)
    off = doc.validate(as_of=AS_OF, policy=okr.Policy(severities={"stale_check_in": "off"}))
    assert [f for f in off if f.code == "stale_check_in"] == []
    raised = doc.validate(as_of=AS_OF, policy=okr.Policy(severities={"stale_check_in": "error"}))
    assert {f.severity for f in raised if f.code == "stale_check_in"} == {"error"}
    # 61 days is not stale when the policy allows 61.
    lax = doc.validate(as_of=AS_OF, policy=okr.Policy(stale_days=61))
    assert [f for f in lax if f.code == "stale_check_in"] == []
    # The scorecard validates under its own date and policy.
    card = doc.score(as_of=AS_OF, policy=okr.Policy(stale_days=61))
    assert [f for f in card.validate() if f.code == "stale_check_in"] == []


def test_policy_fields_and_files(tmp_path: Path) -> None:
    p = okr.Policy()
    assert (p.score_cap, p.on_track, p.at_risk, p.default_blend) == (1.0, 0.7, 0.4, 0.5)
    assert (p.max_key_results, p.max_objectives, p.stale_days, p.severities) == (5, 5, 14, {})
    assert p.default_rollup == "auto"
    # `top` has no key results: auto takes its children, (1 × 0.2 + 3 × 0) / 4 = 0.05;
    # a default_rollup of key_results leaves it unscored.
    assert okr.loads(SMALL).score(as_of=AS_OF).objective("top").score == pytest.approx(0.05)
    own = okr.Policy(default_rollup="key_results")
    assert own.default_rollup == "key_results"
    assert okr.loads(SMALL).score(as_of=AS_OF, policy=own).objective("top").score is None
    with pytest.raises(okr.PolicyError, match="did you mean `key_results`"):
        okr.Policy(default_rollup="key_result")
    p = okr.Policy(severities={"side_project": "error"}, on_track=0.8, max_objectives=3)
    assert p.severities == {"side_project": "error"} and p.on_track == 0.8 and p.max_objectives == 3
    path = tmp_path / "policy.toml"
    path.write_text('stale_days = 7\n[severities]\nno_owner = "off"\n')
    p = okr.Policy.load(path)
    assert p.stale_days == 7 and p.severities == {"no_owner": "off"}
    assert okr.Policy.loads('{"at_risk": 0.3}', format="json").at_risk == 0.3
    # Status bands of the policy change the status.
    strict = okr.loads(SMALL).score(as_of=AS_OF, policy=okr.Policy(on_track=0.1, at_risk=0.05))
    # a: score 0.2 against expected 93/184: ratio 0.3957; default bands → off_track (< 0.4),
    # with at_risk at 0.3 → at_risk, with on_track at 0.1 → on_track.
    assert strict.objective("a").status == "on_track"
    assert okr.loads(SMALL).score(as_of=AS_OF).objective("a").status == "off_track"
    lenient = okr.loads(SMALL).score(as_of=AS_OF, policy=okr.Policy(at_risk=0.3))
    assert lenient.objective("a").status == "at_risk"


def test_policy_errors_list_every_problem(tmp_path: Path) -> None:
    with pytest.raises(okr.PolicyError) as info:
        okr.Policy(severities={"side_projet": "off", "no_owner": "loud"}, stale_days=-1)
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 3, messages
    assert any("did you mean `side_project`" in m for m in messages)
    assert any("`loud`" in m for m in messages)
    path = tmp_path / "policy.yaml"
    path.write_text("stale_dayz: 3\n")
    with pytest.raises(okr.PolicyError) as info:
        okr.Policy.load(path)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column) == ("stale_dayz", 1, 1)
    assert "did you mean `stale_days`" in problem.message
    assert isinstance(info.value, okr.LoadError)


@pytest.mark.parametrize(
    "fmt,text,where",
    [
        (
            "yaml",
            "version: 1\nobjectives:\n  - {id: o, title: O, cycle: c, level: team, key_results: [], effort_hours: lots}\n  - {id: p, titel: P, cycle: c, level: team, key_results: []}\n",
            [("objectives[0].effort_hours", 3), ("objectives[1].title", 4), ("objectives[1].titel", 4)],
        ),
        (
            "json",
            '{"version": 1,\n "objectives": [\n  {"id": "o", "title": "O", "cycle": "c", "level": "team", "key_results": [], "effort_hours": "lots"},\n  {"id": "p", "titel": "P", "cycle": "c", "level": "team", "key_results": []}]}',
            [("objectives[0].effort_hours", 3), ("objectives[1].title", 4), ("objectives[1].titel", 4)],
        ),
        (
            "toml",
            'version = 1\n[[objectives]]\nid = "o"\ntitle = "O"\ncycle = "c"\nlevel = "team"\nkey_results = []\neffort_hours = "lots"\n[[objectives]]\nid = "p"\ntitel = "P"\ncycle = "c"\nlevel = "team"\nkey_results = []\n',
            [("objectives[0].effort_hours", 8), ("objectives[1].title", 9), ("objectives[1].titel", 11)],
        ),
    ],
)
def test_load_errors_carry_every_problem_with_its_position(fmt: str, text: str, where: list) -> None:
    with pytest.raises(okr.LoadError) as info:
        okr.loads(text, format=fmt)
    got = [(p.path, p.line) for p in info.value.problems]
    assert got == where
    assert all(p.column is not None and p.column >= 1 for p in info.value.problems)
    assert "did you mean `title`" in str(info.value)
    assert str(info.value.problems[0]).startswith(f"{where[0][1]}:")


def test_load_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nobjectives: 3\n")
    with pytest.raises(okr.LoadError, match="bad.yaml"):
        okr.load(bad)
    with pytest.raises(okr.LoadError):
        okr.load(tmp_path / "missing.yaml")
    with pytest.raises(okr.OkrError, match="format"):
        okr.load(tmp_path / "notes.txt")


def test_json_schema_is_the_checked_in_one() -> None:
    from conftest import ROOT

    import json

    assert json.loads(okr.json_schema()) == json.loads((ROOT / "schema" / "okr.schema.json").read_text())
