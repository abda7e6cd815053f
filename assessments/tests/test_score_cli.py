"""``manage.py score``: the scoring engine on the command line.

Rules:
- ``score CODE ANSWER… [--sex M|F]`` prints ONE JSON object on stdout with the keys instrument,
  valid, total, band, flags, subscales. Answers are option points in item order, yes/no for yes/no
  items, ``-`` for unanswered. Negative numbers such as ``-1`` are answers, not options.
- ``score --jsonl FILE`` (``-`` = stdin) reads {"instrument", "answers", "sex"} lines (null =
  unanswered) and prints one result line per input line, in order.
- Bad input (unknown code, wrong item count, out-of-range value, bad sex, a bad JSON line, which is
  named by its line number) is a clear message on stderr and exit status 2; in JSONL mode nothing is
  printed on stdout then.
"""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PROJECT = Path(__file__).resolve().parents[2]
KEYS = {"instrument", "valid", "total", "band", "flags", "subscales"}

# An unknown code is also looked up among the centre's uploaded instruments, in the database.
pytestmark = pytest.mark.django_db


def call(*args, stdin=None) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``manage.py score *args``, in process."""
    out, err = StringIO(), StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    try:
        call_command("score", *args, stdout=out, stderr=err, **extra)
    except CommandError as exc:  # run_from_argv prints it on stderr and exits with its returncode
        err.write(f"CommandError: {exc}\n")
        return exc.returncode, out.getvalue(), err.getvalue()
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# One set of answers


def test_score_prints_one_json_object_with_the_contract_keys():
    status, out, _ = call("phq9", *["3"] * 9)
    assert status == 0
    (result,) = lines(out)
    assert set(result) == KEYS
    assert result == {
        "instrument": "phq9",
        "valid": True,
        "total": 27,
        "band": "severe",
        "flags": ["suicidal_ideation"],
        "subscales": {},
    }


def test_a_dash_is_an_unanswered_item():
    status, out, _ = call("phq9", "0", "0", "0", "0", "0", "0", "0", "0", "-")
    assert status == 0
    result = json.loads(out)
    assert (result["valid"], result["total"], result["band"]) == (False, None, None)
    assert result["flags"] == ["unanswered_critical"]


def test_sex_selects_the_bands_for_auditc():
    assert json.loads(call("auditc", "1", "1", "1", "--sex", "M")[1])["band"] == "negative"
    assert json.loads(call("auditc", "1", "1", "1", "--sex", "F")[1])["band"] == "positive"
    assert json.loads(call("--sex", "f", "auditc", "1", "1", "1")[1])["band"] == "positive"
    assert json.loads(call("auditc", "1", "1", "1")[1])["band"] == "positive"


def test_sex_m_lets_a_man_leave_phq15_item_4_unanswered():
    status, out, _ = call("phq15", "1", "1", "1", "-", *["0"] * 11, "--sex", "M")
    assert status == 0
    assert json.loads(out)["total"] == 3


def test_yes_no_instruments_take_yes_and_no():
    status, out, _ = call("asq", "no", "no", "yes", "no", "no")
    assert status == 0
    result = json.loads(out)
    assert (result["band"], result["flags"]) == ("non_acute_positive", ["suicide_risk"])


def test_subscales_are_printed_for_pcl5():
    status, out, _ = call("pcl5", *["2"] * 20)
    assert status == 0
    result = json.loads(out)
    assert result["subscales"] == {"B": 10, "C": 4, "D": 14, "E": 12}
    assert result["total"] == 40


def test_a_negative_number_is_read_as_an_answer_not_an_option():
    status, out, err = call("phq9", "-1", *["0"] * 8)
    assert status == 2
    assert out == ""
    assert "-1 is not one of" in err
    assert "unrecognized" not in err


def test_a_negative_number_before_the_sex_option_is_still_an_answer():
    status, _, err = call("auditc", "0", "-2", "0", "--sex", "M")
    assert status == 2
    assert "-2 is not one of" in err


def test_the_k10_lowest_option_with_negative_looking_neighbours_parses():
    status, out, _ = call("k10", *["1"] * 9, "-")
    assert status == 0
    assert json.loads(out)["total"] == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("nope", "1"), "unknown instrument 'nope'", id="unknown code"),
        pytest.param(("phq9", *["0"] * 8), "9 items; 8 answers", id="too few answers"),
        pytest.param(("phq9", *["0"] * 10), "9 items; 10 answers", id="too many answers"),
        pytest.param(("phq9", "4", *["0"] * 8), "4 is not one of", id="out of range"),
        pytest.param(("phq9", "x", *["0"] * 8), "'x' is not one of", id="not a number"),
        pytest.param(("asq", "1", "no", "no", "no", "no"), "yes or no", id="not yes/no"),
        pytest.param(("phq15", "0", "0", "0", "1", *["0"] * 11, "--sex", "M"), "item 4", id="man item 4"),
        pytest.param(("auditc", "0", "0", "0", "--sex", "X"), "sex must be M or F", id="bad sex"),
        pytest.param((), "give an instrument CODE", id="no code"),
    ],
)
def test_bad_input_is_a_clear_message_and_exit_status_2(args, message):
    status, out, err = call(*args)
    assert status == 2
    assert out == ""
    assert message in err


# JSONL


def write_jsonl(tmp_path: Path, *records) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records),
        encoding="utf-8",
    )
    return path


def test_jsonl_prints_one_result_line_per_input_line_in_order(tmp_path):
    path = write_jsonl(
        tmp_path,
        {"instrument": "phq9", "answers": [3] * 9, "sex": None},
        {"instrument": "auditc", "answers": [1, 1, 1], "sex": "M"},
        {"instrument": "auditc", "answers": [1, 1, 1], "sex": "F"},
        {"instrument": "k10", "answers": [2] * 9 + [None], "sex": None},
        {"instrument": "asq", "answers": ["no", "no", "no", "no", None], "sex": None},
        {"instrument": "gad7", "answers": [1] * 6 + [None], "sex": "F"},
    )
    status, out, _ = call("--jsonl", str(path))
    assert status == 0
    results = lines(out)
    assert [r["instrument"] for r in results] == ["phq9", "auditc", "auditc", "k10", "asq", "gad7"]
    assert all(set(r) == KEYS for r in results)
    assert [r["band"] for r in results] == ["severe", "negative", "positive", "moderate", "negative", None]
    assert results[3]["total"] == 20
    assert results[5]["valid"] is False


def test_jsonl_skips_blank_lines(tmp_path):
    path = write_jsonl(tmp_path, {"instrument": "phq2", "answers": [0, 0], "sex": None}, "", "  ")
    status, out, _ = call("--jsonl", str(path))
    assert status == 0
    assert len(lines(out)) == 1


def test_jsonl_dash_reads_standard_input():
    stdin = StringIO(
        '{"instrument": "gad2", "answers": [1, 2], "sex": null}\n{"instrument": "phq2", "answers": [0, 0]}\n'
    )
    status, out, _ = call("--jsonl", "-", stdin=stdin)
    assert status == 0
    assert [(r["instrument"], r["band"]) for r in lines(out)] == [("gad2", "positive"), ("phq2", "negative")]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        pytest.param("{not json", "line 2: not valid JSON", id="bad json"),
        pytest.param('["phq2", [0, 0]]', "line 2: expected an object", id="not an object"),
        pytest.param(
            '{"instrument": "nope", "answers": [0]}', "line 2: unknown instrument 'nope'", id="unknown code"
        ),
        pytest.param(
            '{"instrument": "phq2", "answers": [0]}', "line 2: phq2 has 2 items; 1 answers", id="count"
        ),
        pytest.param(
            '{"instrument": "phq2", "answers": [0, 9]}', "line 2: phq2: item 2: 9 is not one of", id="range"
        ),
        pytest.param(
            '{"instrument": "phq2", "answers": "0 0"}', 'line 2: "answers" must be a list', id="not a list"
        ),
        pytest.param(
            '{"instrument": "phq2", "answers": [0, 0], "sex": "X"}', "line 2: sex must be", id="bad sex"
        ),
        pytest.param(
            '{"instrument": "phq2", "answers": [0, 0], "age": 9}', "line 2: unknown keys", id="extra key"
        ),
        pytest.param('{"answers": [0, 0]}', "line 2: the instrument code", id="no instrument"),
    ],
)
def test_jsonl_bad_line_names_its_number_exits_2_and_prints_no_results(tmp_path, bad_line, message):
    path = write_jsonl(
        tmp_path,
        {"instrument": "phq2", "answers": [0, 0], "sex": None},
        bad_line,
        {"instrument": "phq2", "answers": [3, 3], "sex": None},
    )
    status, out, err = call("--jsonl", str(path))
    assert status == 2
    assert out == ""
    assert message in err


def test_jsonl_missing_file_exits_2(tmp_path):
    status, _, err = call("--jsonl", str(tmp_path / "absent.jsonl"))
    assert status == 2
    assert "cannot read" in err


def test_jsonl_does_not_mix_with_a_code_and_answers(tmp_path):
    path = write_jsonl(tmp_path, {"instrument": "phq2", "answers": [0, 0]})
    status, _, err = call("phq2", "0", "0", "--jsonl", str(path))
    assert status == 2
    assert "--jsonl takes no" in err


# As a real process


def run_manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", "score", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_manage_py_score_prints_the_result_as_json():
    completed = run_manage("phq9", "3", "3", "3", "3", "3", "3", "3", "3", "3")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["total"] == 27
    assert result["band"] == "severe"
    assert completed.stdout.count("\n") == 1


def test_manage_py_score_bad_input_exits_2_with_the_message_on_stderr():
    completed = run_manage("phq9", "-1", "0", "0", "0", "0", "0", "0", "0", "0")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "item 1: -1 is not one of" in completed.stderr


def test_option_abbreviations_are_not_accepted():
    status, out, err = call("auditc", "0", "0", "0", "--se", "M")
    assert status != 0
    assert out == ""
    assert "unrecognized arguments: --se" in err
