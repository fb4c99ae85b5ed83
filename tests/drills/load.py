"""Buyers that keep shopping while a drill breaks a service under them.

Each shopper thread repeats one purchase: add the variant to the cart, list
its orders, check the cart out. Every write carries its own Idempotency-Key
and is retried with the SAME key on 503 (and on 409 IDEMPOTENCY_IN_PROGRESS)
until it succeeds, as a well-behaved client does. Every answer is recorded
so the drill can assert on all of them afterwards.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx

# What the API may answer while a backing service is down or coming back.
ALLOWED = {
    "add": {
        (201, None),
        (503, "SERVICE_UNAVAILABLE"),
        (409, "IDEMPOTENCY_IN_PROGRESS"),
    },
    "list": {(200, None), (503, "SERVICE_UNAVAILABLE")},
    "checkout": {
        (201, None),
        (503, "SERVICE_UNAVAILABLE"),
        (409, "IDEMPOTENCY_IN_PROGRESS"),
    },
}
RETRYABLE = {(503, "SERVICE_UNAVAILABLE"), (409, "IDEMPOTENCY_IN_PROGRESS")}
REQUEST_TIMEOUT = 15.0
# How long one write keeps retrying before the shopper gives up on it.
WRITE_DEADLINE = 40.0


@dataclass(frozen=True)
class Answer:
    """One response (or transport failure) seen by a shopper."""

    step: str
    started: float
    status: int | None
    code: str | None
    error: str = ""

    @property
    def signature(self) -> tuple[int | None, str | None]:
        return self.status, self.code


@dataclass
class Ledger:
    """Everything the shoppers saw, shared between their threads."""

    answers: list[Answer] = field(default_factory=list)
    # Idempotency-Key of each checkout -> the order id its 201 carried.
    placed: dict[str, str] = field(default_factory=dict)
    # Checkout keys that never got their 201 before the shopper gave up.
    unresolved: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def unexpected(self) -> list[Answer]:
        return [
            answer
            for answer in self.answers
            if answer.signature not in ALLOWED[answer.step]
        ]

    def summary(self) -> Counter:
        return Counter(
            (answer.step, answer.status, answer.code or answer.error)
            for answer in self.answers
        )


class Shopper(threading.Thread):
    """One buyer placing orders in a loop until told to stop."""

    def __init__(
        self, base_url: str, token: str, variant_id: str, ledger: Ledger
    ) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=REQUEST_TIMEOUT,
        )
        self.variant_id = variant_id
        self.ledger = ledger
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.purchase()
        finally:
            self.client.close()

    def purchase(self) -> None:
        cart = self._write(
            "add", "/cart/items", {"variant_id": self.variant_id, "qty": 1}
        )
        self._call("list", "GET", "/orders", None, None)
        if cart is None:
            return

        key = uuid.uuid4().hex
        body = {"cart_id": cart["id"], "shipping_address": "Rua das Flores, 10"}
        order = self._write("checkout", "/orders", body, key=key)
        with self.ledger.lock:
            if order is None:
                self.ledger.unresolved.append(key)
            else:
                self.ledger.placed[key] = order["id"]

    def _write(self, step: str, path: str, body: dict, key: str | None = None):
        key = key or uuid.uuid4().hex
        deadline = time.monotonic() + WRITE_DEADLINE
        while time.monotonic() < deadline:
            answer, response = self._call(step, "POST", path, body, key)
            if response is None:
                return None
            if answer.signature not in RETRYABLE:
                return response.json() if response.status_code < 300 else None
            time.sleep(0.2)
        return None

    def _call(
        self, step: str, method: str, path: str, body, key
    ) -> tuple[Answer, httpx.Response | None]:
        headers = {"Idempotency-Key": key} if key else {}
        started = time.monotonic()
        try:
            response = self.client.request(method, path, json=body, headers=headers)
        except httpx.TransportError as error:
            answer = Answer(step, started, None, None, repr(error))
            self.ledger.record(answer)
            return answer, None

        code = _error_code(response) if response.status_code >= 300 else None
        answer = Answer(step, started, response.status_code, code)
        self.ledger.record(answer)
        return answer, response


def _error_code(response: httpx.Response) -> str:
    try:
        return response.json().get("code", "<no code>")
    except ValueError:
        return "<not the envelope>"


def shoppers_start(
    base_url: str, tokens: list[str], variant_id: str, ledger: Ledger
) -> list[Shopper]:
    shoppers = [Shopper(base_url, token, variant_id, ledger) for token in tokens]
    for shopper in shoppers:
        shopper.start()
    return shoppers


def shoppers_stop(shoppers: list[Shopper], timeout: float) -> None:
    """Let every shopper finish its purchase, then stop; fail if one hangs."""
    for shopper in shoppers:
        shopper.stopping.set()
    deadline = time.monotonic() + timeout
    for shopper in shoppers:
        shopper.join(max(0.0, deadline - time.monotonic()))
    hung = [shopper.name for shopper in shoppers if shopper.is_alive()]
    assert not hung, f"shoppers still running: {hung}"
