"""The labelled conversations: format, references, coverage per split, no shared phrasing."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from evals import dataset
from rxflow.domain import AlertCode

SPLITS = {s: dataset.load(dataset.split_path(s)) for s in ("train", "dev", "test")}
DATASETS_MD_CODES = {"refill_too_soon", "no_refills", "expired", "controlled_c2", "drug_allergy", "drug_interaction",
                     "duplicate_therapy", "dose_mismatch", "prior_auth_required", "non_formulary", "out_of_stock"}


def test_sizes():
    assert len(SPLITS["train"]) >= 150 and len(SPLITS["dev"]) >= 75 and len(SPLITS["test"]) >= 75
    assert sum(map(len, SPLITS.values())) >= 300
    ids = [c.id for convs in SPLITS.values() for c in convs]
    assert len(ids) == len(set(ids))


def test_every_reference_exists(store):
    for convs in SPLITS.values():
        assert dataset.check_references(convs, store) == []


def test_validator_catches_bad_references(store):
    bad = dataset.Conversation.model_validate({
        "id": "x", "patient_id": "P999", "turns": [{"user": "hi", "expect": {"state": "NOWHERE",
                                                                             "slots": {"medication": "unobtainium"}}}],
        "outcome": {"status": "order_placed", "alerts": ["made_up_alert"]}})
    problems = dataset.check_references([bad], store)
    assert len(problems) == 4
    with pytest.raises(ValueError):
        dataset.Conversation.model_validate({"id": "y", "patient_id": "P001", "turns": [{"user": "hi",
                                             "expect": {"mood": "happy"}}], "outcome": {"status": "info_only"}})


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_covers_demo_patients_and_alert_codes(split):
    convs = SPLITS[split]
    assert {f"P00{i}" for i in range(1, 9)} <= {c.patient_id for c in convs}
    raised = {a for c in convs for a in c.outcome.alerts}
    assert raised >= DATASETS_MD_CODES
    # Every code the policy can raise appears, except the ones no seeded prescription can trigger
    # in a conversation (discontinued/on-hold prescriptions are not offered for refill at all), and,
    # in the frozen test split, the codes added after it was frozen (dose_changed: train and dev have it).
    # controlled_substance is no refill rule's: only auto_refill_plan raises it (issue 19).
    added_after_test = {"dose_changed"} if split == "test" else set()
    assert {c.value for c in AlertCode} - raised <= {"discontinued", "controlled_substance"} | added_after_test
    assert {"handwritten", "generated"} <= {t for c in convs for t in c.tags}


def _templates(convs):
    """Each user message with drug names, numbers and ids blanked: its phrasing."""
    out = set()
    for c in convs:
        if "generated" not in c.tags:
            continue
        for t in c.turns:
            text = re.sub(r"\b(?:ORD-\d+|P\d{3}|\d+(?:\.\d+)?\s*\w*)\b", "#", t.user.lower())
            out.add(text)
    return out


def test_splits_share_no_request_phrasing():
    # The phrasings that carry meaning (requests, choices, confirmations) are drawn from per-split
    # pools; single words like "yes" or a bare drug name are shared by nature and allowed.
    requests = {s: {re.sub(r"my \w+|\b\w+ refill", "", t.user.lower()) for c in convs if "generated" in c.tags
                    for t in c.turns[:1] if len(t.user.split()) >= 4} for s, convs in SPLITS.items()}
    assert not (requests["train"] & requests["test"]) or len(requests["train"] & requests["test"]) < 3
    t = {s: _templates(c) for s, c in SPLITS.items()}
    long_shared = {x for x in t["train"] & t["test"] if len(x.split()) >= 4}
    assert len(long_shared) <= 2, long_shared


def test_statuses_and_tags_are_varied():
    statuses = Counter(c.outcome.status for convs in SPLITS.values() for c in convs)
    assert set(statuses) == {"order_placed", "order_cancelled", "escalated_prior_auth", "referred_to_prescriber",
                             "referred_to_pharmacist", "refused", "info_only", "abandoned"}
    tags = {t for convs in SPLITS.values() for c in convs for t in c.tags}
    for tag in ("misspelling", "multi_medication", "clarify", "dose_mismatch", "change_of_mind", "cancel_order",
                "track_order", "other_patient", "prompt_injection", "off_topic", "price"):
        assert tag in tags or (tag == "misspelling" and "brand_or_misspelling" in tags), tag


# The test split is frozen: its bytes are pinned. Changing it means a new version, named with its
# checksum in datasets/README.md ("Versions"), and this constant updated in the same commit.
TEST_SPLIT_V3 = "de627f49ec3d355885d5b1734eef013a76d9bd364cb80074fa595b92a3515101"


def test_the_test_split_is_frozen():
    import hashlib

    from evals.dataset import split_path

    digest = hashlib.sha256(split_path("test").read_bytes()).hexdigest()
    assert digest == TEST_SPLIT_V3, "the test split changed: version it in datasets/README.md"
    readme = (split_path("test").parent.parent / "README.md").read_text()
    assert TEST_SPLIT_V3 in readme


PROBES = dataset.split_path("dev").parent.parent / "probes"
HOLDOUTS = ("issue18_holdout", "issue19_holdout")  # run once, never looked at: not labelled afterwards


@pytest.mark.parametrize("name", sorted(p.stem for p in PROBES.glob("*.jsonl") if p.stem not in HOLDOUTS))
def test_the_probe_sets_label_each_turns_intent(name):
    """Intent accuracy on the probes needs labels (issue 21): every turn whose intent the list names is
    labelled; left out are only turns no intent fits (a bare dose or a hedge, judged by their other labels).
    The labels agree with the states they lead to."""
    convs = dataset.load(PROBES / f"{name}.jsonl")
    # Each turn with the state before it (the last turn's state after has no turn: strict=False).
    turns = [(before, t) for c in convs for before, t in zip(
        ["START"] + [t.expect.state if t.expect and t.expect.state else "?" for t in c.turns], c.turns, strict=False)]
    labelled = [(before, t) for before, t in turns if t.expect and t.expect.intent]
    assert len(labelled) >= 0.85 * len(turns), (name, len(labelled), len(turns))
    for before, t in labelled:
        after, intent = t.expect.state, t.expect.intent
        if before == "CONFIRM_ORDER" and after == "COMPLETE":
            assert intent == "confirm", t.user  # only a yes places an order
        if before == "START" and after == "CONFIRM_CANCEL":
            assert intent == "cancel_order", t.user
        if before in ("SELECT_PHARMACY", "CONFIRM_ORDER") and after == "START":
            assert intent in ("leave", "start_over", "cancel_order"), t.user
