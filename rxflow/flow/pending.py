"""What a yes would write: the summary last shown, one model per kind of write.

Consent is bound to `digest`, a hash of the facts the summary shows: a yes counts only while the
same facts would be written (rxflow/flow/writes/). `facts` holds the names a yes may restate
("yes, the lisinopril at Costco") without being read as a change.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field


class Shown(BaseModel):
    digest: str
    summary: str = Field(description="the summary as shown")
    facts: str = Field("", description="the names in it a yes may restate ('yes, the lisinopril at Costco')")


class PendingOrder(Shown):
    kind: Literal["order"] = "order"
    rx_id: str
    pharmacy_id: str
    pay_cash: bool = False
    delivery: bool = False


class PendingBasket(Shown):
    kind: Literal["basket"] = "basket"
    rx_ids: list[str] = Field(max_length=20)
    pharmacies: list[str] = Field(max_length=20, description="each item's pharmacy, in rx_ids order")
    delivered_from: list[str] = Field(default_factory=list, max_length=20,
                                      description="the pharmacies whose items are delivered (as the summary says)")


class PendingCancel(Shown):
    kind: Literal["cancel"] = "cancel"
    order_id: str


class PendingRequest(Shown):
    kind: Literal["request"] = "request"
    rx_id: str
    request_kind: str = Field(description="renewal, prior_auth or pharmacist_callback")
    reason: str = Field(description="the alert code that leads to the request")


class PendingWithdraw(Shown):
    kind: Literal["withdraw"] = "withdraw"
    request_id: str = Field(description="the request to withdraw, such as 'REQ-40001'")
    rx_id: str
    request_kind: str


class PendingTransfer(Shown):
    kind: Literal["transfer"] = "transfer"
    medication: str
    from_pharmacy: str
    pharmacy_id: str


SettingName = Literal["auto_refill_on", "auto_refill_pause", "auto_refill_resume", "auto_refill_stop", "auto_refill_off",
                      "reminder_on", "reminder_off", "texts_on", "texts_off"]


class PendingSetting(Shown):
    kind: Literal["setting"] = "setting"
    setting: SettingName
    rx_id: str | None = None
    pharmacy_id: str | None = None
    target_id: str | None = Field(None, description="the enrolment or reminder changed, such as 'AR-40001'")


Pending = Annotated[PendingOrder | PendingBasket | PendingCancel | PendingRequest | PendingWithdraw | PendingSetting
                    | PendingTransfer,
                    Field(discriminator="kind")]


class Focus(BaseModel):
    """What the conversation just showed, refused, ordered, sent or cancelled: what "that", "it", "why?"
    and "so when can I?" point back at. Replaced by the next thing shown; read before anything else."""

    kind: Literal["refused", "ordered", "shown", "sent", "cancelled", "withdrawn", "asked", "set"]
    rx_id: str | None = None
    medication: str | None = None
    order_id: str | None = None
    request_id: str | None = None
    service: str | None = Field(None, description="asked: which setting or transfer the next message answers for "
                                                  "('which medication?'); set: the one just changed")
    offer: Literal["renewal", "pharmacist_callback", "prior_auth"] | None = Field(
        None, description="the request to a human a refusal offered ('ok then do that')")


class Outcome(BaseModel):
    """How one piece of the conversation ended (the evals judge the last one)."""

    status: str
    rx_id: str | None = None
    medication: str | None = None
    order_id: str | None = None
