"""The command line. Finding 6 of "A public Space strangers can share": `python -m rxflow tools call`
answers every bad input with a JSON error on stdout and exit code 2, never a traceback."""

from __future__ import annotations

import json

import pytest

from rxflow.__main__ import main

BAD = [
    ("array", ["drug_lookup", "--patient", "P001", "--args", "[1, 2]"]),
    ("string", ["drug_lookup", "--patient", "P001", "--args", '"lisinopril"']),
    ("number", ["drug_lookup", "--patient", "P001", "--args", "5"]),
    ("null", ["drug_lookup", "--patient", "P001", "--args", "null"]),
    ("not-json", ["drug_lookup", "--patient", "P001", "--args", "{query: lisinopril}"]),
    ("deep-nesting", ["drug_lookup", "--patient", "P001", "--args", "[" * 100_000 + "]" * 100_000]),
    ("deep-object", ["drug_lookup", "--patient", "P001", "--args", '{"query": ' + '{"a": ' * 500 + "1" + "}" * 501]),
    ("huge-integer", ["drug_lookup", "--patient", "P001", "--args", '{"query": "a", "limit": 1' + "0" * 5000 + "}"]),
    ("infinite", ["drug_lookup", "--patient", "P001", "--args", '{"query": "a", "limit": 1e999}']),
    ("nan", ["drug_lookup", "--patient", "P001", "--args", '{"query": "a", "limit": NaN}']),
    ("bad-today", ["drug_lookup", "--patient", "P001", "--args", '{"query": "a"}', "--today", "2026-13-45"]),
    ("today-words", ["drug_lookup", "--patient", "P001", "--args", '{"query": "a"}', "--today", "yesterday"]),
    ("unknown-tool", ["no_such_tool", "--patient", "P001"]),
    ("unknown-patient", ["drug_lookup", "--patient", "P999", "--args", '{"query": "a"}']),
    ("huge-patient", ["drug_lookup", "--patient", "P" * 100_000, "--args", '{"query": "a"}']),
    ("wrong-arg-type", ["drug_lookup", "--patient", "P001", "--args", '{"query": 5}']),
    ("unknown-arg", ["drug_lookup", "--patient", "P001", "--args", '{"query": "a", "patient_id": "P003"}']),
    # Issue 22 ("also seen"): JSON's own types, strictly. A yes in words is not `true`.
    ("confirmed-in-words", ["submit_order", "--patient", "P001", "--args",
                            '{"rx_id": "RX1001", "pharmacy_id": "PH004", "confirmed": "yes", "idempotency_key": "k-1"}']),
    ("number-in-words", ["drug_lookup", "--patient", "P001", "--args", '{"query": "a", "limit": "5"}']),
]


@pytest.mark.parametrize("argv", [b for _, b in BAD], ids=[n for n, _ in BAD])
def test_6_tools_call_answers_bad_input_with_a_json_error_and_exit_2(argv, capsys):
    code = main(["tools", "call", *argv])
    out = capsys.readouterr().out
    body = json.loads(out)
    assert code == 2 and body["ok"] is False and body["error"]["code"] in ("bad_input", "not_found")
    assert body["error"]["reason"] in ("invalid_args", "unknown_tool", "unknown_patient")
    assert body["error"]["message"] and len(out) < 5_000 and "Traceback" not in out


def test_tools_call_still_answers_good_input(capsys):
    assert main(["tools", "call", "drug_lookup", "--patient", "P001", "--args", '{"query": "lisinipril"}']) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    # A refusal by the tool (another patient's prescription) is not a bad input: exit 1.
    assert main(["tools", "call", "price_lookup", "--patient", "P001", "--args", '{"rx_id": "RX3001"}']) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert (error["code"], error["reason"]) == ("forbidden", "not_yours")
