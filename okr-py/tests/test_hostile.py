"""The nastiest inputs we could think of: each gives an okr error (or a plain Python
TypeError/ValueError for wrong argument types), never a crash, a hang or a PanicException."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import okr
from conftest import EXAMPLES, SMALL

NASTY = [
    "",
    "\x00",
    "version: 1\nobjectives: [" * 1,
    "[" * 100_000,
    "{" * 100_000,
    "- " * 50_000,
    # Billion laughs: the alias budget stops it.
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)),
    "version: 1\nobjectives: [{id: o, title: t, cycle: c, level: team, effort_hours: 1e999, key_results: []}]",
    "version: 1\nobjectives: [{id: o, title: t, cycle: c, level: team, effort_hours: .nan, key_results: []}]",
    "version: 99999999999999999999999\nobjectives: []",
    "version: -1\nobjectives: []",
    "version: 1\ncycles: [{id: c, start: 2021-02-30, end: 0000-01-01}]\nobjectives: []",
    "version: 1\ncycles: [{id: c, start: 9999-12-31, end: -262144-01-01}]\nobjectives: []",
    "version: 1\nobjectives: [{id: '', title: '', cycle: '', level: '', key_results: [{id: '', title: '', kind: nope}]}]",
    "version: 1\nobjectives: [{id: o, title: t, cycle: c, level: team, key_results: [{id: k, title: k, kind: metric, start: 0, target: 1, check_ins: [{date: 2021-01-01, value: [1]}]}]}]",
    "\ufeffversion: 1\nobjectives: []\n\u202e",
    "version: 1\nobjectives: []\n" + "x: " + "y" * 1_000_000,
    "version: 1\nobjectives: !!binary aGVsbG8=",
    "? [a, b]\n: c\n",
    "version: 1\nobjectives: *undefined",
]


def _ok_or_okr_error(call) -> None:  # type: ignore[no-untyped-def]
    try:
        call()
    except okr.OkrError:
        pass


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_nasty_text_never_crashes(text: str, fmt: str) -> None:
    _ok_or_okr_error(lambda: okr.loads(text, format=fmt))


def test_nasty_documents_that_load_still_score_validate_and_tabulate() -> None:
    loaded = []
    for text in NASTY + [SMALL]:
        try:
            loaded.append(okr.loads(text))
        except okr.LoadError:
            pass
    assert loaded, "at least the small cascade loads"
    for doc in loaded:
        for as_of in ("0001-01-01", "2021-10-01", "9999-12-31", None):
            card = doc.score(as_of=as_of)
            card.validate()
            t = card.tables()
            for name in ("objectives", "key_results", "findings", "contributions", "distribution"):
                t.frame(name)
            card._repr_html_()


def test_lone_surrogates_and_odd_strings_are_python_errors() -> None:
    with pytest.raises(UnicodeEncodeError):
        okr.loads("version: 1\nobjectives: []\n# \ud800")
    with pytest.raises((ValueError, TypeError)):
        okr.Policy.loads("\ud800")
    card = okr.loads(SMALL).score(as_of="2021-10-01")
    with pytest.raises(okr.UnknownIdError):
        card.objective("\x00" * 10)
    with pytest.raises(UnicodeEncodeError):
        card.objective("\udfff")


def test_extreme_check_in_values() -> None:
    card = okr.loads(SMALL).score(as_of="2021-10-01")
    for value in (float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 0.0, True, False):
        card.check_in("ka", "2021-09-01", value)
        s = card.objective("top")
        assert s.score is None or 0.0 <= s.score <= 1.0
    card.set_override("a", "2021-09-01", float("nan"))
    card.tables().objectives
    with pytest.raises(OverflowError):
        card.check_in("ka", "2021-09-01", 10**400)


def test_random_mutations_of_the_example(tmp_path: Path) -> None:
    rng = random.Random(20211115)
    base = (EXAMPLES / "engineering-2021-h2.yaml").read_text()
    json_base = (EXAMPLES / "engineering-2021-h2.json").read_text()
    toml_base = (EXAMPLES / "engineering-2021-h2.toml").read_text()
    alphabet = "{}[]:,-'\"&*!|>#\n\t 0123456789.eE+-nulltruefalse"
    for i in range(300):
        fmt, text = rng.choice([("yaml", base), ("json", json_base), ("toml", toml_base)])
        chars = list(text)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                chars[at] = rng.choice(alphabet)
            elif op < 0.7:
                del chars[at]
            else:
                chars.insert(at, rng.choice(alphabet))
        mutated = "".join(chars)
        try:
            doc = okr.loads(mutated, format=fmt)
        except okr.LoadError as e:
            assert e.problems, f"mutation {i}: a load error lists its problems"
            continue
        card = doc.score(as_of="2021-11-15")
        card.validate()
        card.tables().contributions
