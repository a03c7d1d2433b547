"""The dataset format lives in datasets/README.md: every key the loader knows, and every value a closed
label may take, is written there (a key added to evals/dataset.py without its words fails here)."""

from __future__ import annotations

import typing

from evals import dataset
from programs.types import Criterion, Intent, Topic
from rxflow.domain import AlertCode

README = (dataset.ROOT / "datasets" / "README.md").read_text()
FORMAT = README[README.index("## The format"):]


def test_every_key_of_the_format_is_described():
    models = (dataset.Conversation, dataset.TurnSpec, dataset.Expect, dataset.ExpectSlots, dataset.Outcome,
              dataset.GoldOrder, dataset.GoldRequest, dataset.GoldEnrolment, dataset.GoldReminder,
              dataset.GoldNotification)
    missing = [f"{m.__name__}.{k}" for m in models for k in m.model_fields
               if f"`{k}`" not in FORMAT and f'"{k}"' not in FORMAT]
    assert not missing, missing


def test_every_closed_value_is_listed():
    values = [*typing.get_args(dataset.Status), *typing.get_args(Intent), *typing.get_args(Topic),
              *(c for c in typing.get_args(Criterion) if c != "none"), *(a.value for a in AlertCode),
              *typing.get_args(typing.get_args(dataset.GoldRequest.model_fields["kind"].annotation)[0])]
    missing = [v for v in values if f"`{v}`" not in FORMAT and f'"{v}"' not in FORMAT]
    assert not missing, missing
