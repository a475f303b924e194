"""A local HTTP stand-in for the parts of Stripe's API that Statdesk calls, and Stripe-style webhook signing.

The fake checks what a careless client would get wrong: the secret key in the
``Authorization`` header, an ``Idempotency-Key`` on every POST (at most 255
characters), and a reused key with different parameters (answered 400 as Stripe
does).  A repeated key with the same parameters replays the first response, as
Stripe does, so retries create nothing twice.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from tests.support.servers import free_port


class StripeFake:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self.requests: list[dict] = []
        self.problems: list[str] = []
        self.customers: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.replays = 0
        self._idempotency: dict[str, tuple[dict, int, dict]] = {}
        self._paths: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.url = ""

    # -- the API --------------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers, params: dict) -> tuple[int, dict]:
        with self._lock:
            self.requests.append({"method": method, "path": path, "params": params,
                                  "idempotency_key": headers.get("Idempotency-Key")})
            if headers.get("Authorization") != f"Bearer {self.api_key}":
                return 401, _error("invalid_request_error", "Invalid API Key provided")
            if method == "POST":
                key = headers.get("Idempotency-Key")
                if not key or len(key) > 255:
                    self.problems.append(f"POST {path} without a valid Idempotency-Key")
                    return 400, _error("invalid_request_error", "Idempotency-Key required by this fake")
                if key in self._idempotency:
                    first_params, status, body = self._idempotency[key]
                    if first_params != params or self.requests_path(key) != path:
                        return 400, _error("idempotency_error", "Keys for idempotent requests can only be used "
                                                                "with the same parameters they were first used with.")
                    self.replays += 1
                    return status, body
                status, body = self._route(method, path, params)
                self._idempotency[key] = (params, status, body)
                self._paths[key] = path
                return status, body
            return self._route(method, path, params)

    def requests_path(self, key: str) -> str:
        return self._paths.get(key, "")

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "customers"]:
            customer = {"id": f"cus_{next(self._ids)}", "object": "customer", "email": params.get("email"),
                        "name": params.get("name"), "metadata": _nested(params, "metadata")}
            self.customers[customer["id"]] = customer
            return 200, customer
        if method == "POST" and parts == ["v1", "invoices"]:
            if params.get("customer") not in self.customers:
                return 400, _error("invalid_request_error", "No such customer")
            invoice = {"id": f"in_{next(self._ids)}", "object": "invoice", "status": "draft",
                       "customer": params["customer"], "currency": params.get("currency"),
                       "collection_method": params.get("collection_method"), "metadata": _nested(params, "metadata"),
                       "amount_due": 0, "amount_paid": 0, "amount_remaining": 0, "hosted_invoice_url": None}
            self.invoices[invoice["id"]] = invoice
            return 200, invoice
        if method == "POST" and parts == ["v1", "invoiceitems"]:
            invoice = self.invoices.get(params.get("invoice", ""))
            if invoice is None or invoice["status"] != "draft":
                return 400, _error("invalid_request_error", "No such draft invoice")
            invoice["amount_due"] += int(params["amount"])
            invoice["amount_remaining"] = invoice["amount_due"]
            return 200, {"id": f"ii_{next(self._ids)}", "object": "invoiceitem", "amount": int(params["amount"]),
                         "invoice": invoice["id"]}
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "invoices"] and parts[3] == "finalize":
            invoice = self.invoices.get(parts[2])
            if invoice is None:
                return 404, _error("invalid_request_error", "No such invoice")
            invoice["status"] = "open"
            invoice["hosted_invoice_url"] = f"{self.url}/hosted/{invoice['id']}"
            return 200, dict(invoice)
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v1", "invoices"] and parts[3] == "void":
            invoice = self.invoices.get(parts[2])
            if invoice is None or invoice["status"] != "open":
                return 400, _error("invalid_request_error", "Only open invoices can be voided")
            invoice["status"] = "void"
            return 200, dict(invoice)
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "invoices"] and parts[2] in self.invoices:
            return 200, dict(self.invoices[parts[2]])
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method}: {path})")

    # -- what Stripe would do and send ----------------------------------------------------------
    def fund(self, invoice_id: str, amount: int) -> dict:
        """A (bank-transfer) payment of ``amount`` (in Stripe's minor units) reaches the invoice."""
        invoice = self.invoices[invoice_id]
        invoice["amount_paid"] = min(invoice["amount_due"], invoice["amount_paid"] + amount)
        invoice["amount_remaining"] = invoice["amount_due"] - invoice["amount_paid"]
        if invoice["amount_remaining"] == 0:
            invoice["status"] = "paid"
        return dict(invoice)

    def set_status(self, invoice_id: str, status: str) -> dict:
        self.invoices[invoice_id]["status"] = status
        return dict(self.invoices[invoice_id])

    def event(self, event_type: str, invoice: dict, event_id: str | None = None) -> bytes:
        return json.dumps({"id": event_id or f"evt_{next(self._ids)}", "object": "event", "type": event_type,
                           "api_version": "2025-01-27", "created": int(time.time()),
                           "data": {"object": invoice}}).encode()


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header exactly as Stripe builds it: ``t=…,v1=HMAC-SHA256("{t}.{body}")``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def _nested(params: dict, name: str) -> dict:
    prefix = f"{name}["
    return {k[len(prefix):-1]: v for k, v in params.items() if k.startswith(prefix) and k.endswith("]")}


def _error(kind: str, message: str) -> dict:
    return {"error": {"type": kind, "message": message}}


@contextmanager
def stripe_fake(api_key: str = "sk_test_statdesk"):
    fake = StripeFake(api_key)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            params = dict(parse_qsl(body or query, keep_blank_values=True))
            status, payload = fake.handle(method, path, self.headers, params)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{next(fake._ids)}")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 - the http.server API
            self._answer("GET")

        def do_POST(self):  # noqa: N802
            self._answer("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
