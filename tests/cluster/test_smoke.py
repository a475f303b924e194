"""Through HAProxy: sign in, search, order, pay (recorded by a worker), download from the other host."""

from __future__ import annotations

import json
import re

import pytest
import requests
import sqlalchemy as sa

from tests.support.own_servers import wait_for

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _csrf(session: requests.Session, url: str) -> str:
    return CSRF.search(session.get(url, timeout=10).text).group(1)


@pytest.fixture(scope="module")
def signed_in(cluster, site):
    session = requests.Session()
    token = _csrf(session, f"{cluster.url}/login")
    answer = session.post(f"{cluster.url}/login", timeout=10, allow_redirects=False,
                          data={"email": site["consumer"], "password": site["password"], "csrf_token": token})
    assert answer.status_code == 302 and "/login" not in answer.headers["Location"]
    return session


def test_sign_in_search_order_pay_and_download_from_either_host(cluster, site, signed_in):
    from core.extensions import db
    from orders.models import Invoice, InvoiceStatus, Order, ProviderEvent
    from orders.payments.local import signed_headers

    session, base = signed_in, cluster.url
    hits = session.get(f"{base}/api/v1/search?q=lombok+timur", timeout=10).json()["hits"]
    assert [hit["title"] for hit in hits][:1] == ["Penduduk Lombok Timur Menurut Kecamatan 2024"]

    token = _csrf(session, f"{base}/cart")
    assert session.post(f"{base}/cart/add", data={"item_id": site["item_id"], "quantity": 1, "csrf_token": token},
                        timeout=10, allow_redirects=False).status_code == 302
    cart = session.get(f"{base}/cart", timeout=10).text
    submission = re.search(r'name="submission"[^>]*value="([^"]+)"', cart).group(1)
    placed = session.post(f"{base}/checkout", timeout=10, allow_redirects=False,
                          data={"csrf_token": CSRF.search(cart).group(1), "submission": submission})
    order_id = int(re.search(r"/orders/(\d+)", placed.headers["Location"]).group(1))

    app = site["app"]
    with app.app_context():
        invoice = wait_for(lambda: db.session.scalar(sa.select(Invoice).where(Invoice.order_id == order_id)),
                           what="the invoice")
        billing_code, amount = invoice.billing_code, invoice.amount
    body = json.dumps({"billing_code": billing_code, "amount": amount, "bank_reference": f"BNI-SMOKE-{order_id}",
                       "ntpn": "0A1B2C3D4E5F6G7H", "paid_at": None}).encode()
    headers = signed_headers(body, cluster.secret("bank_callback_secret"))
    paid = requests.post(f"{base}/api/v1/payments/local/callback", data=body, timeout=10,
                         headers={**headers, "Content-Type": "application/json"})
    assert paid.status_code == 200 and paid.json()["status"] == "received", paid.text
    request_id = paid.headers["X-Request-ID"]

    # the request only kept the callback: a worker records the payment, under the callback's request id
    def processed_event():
        with app.app_context():
            return db.session.scalars(sa.select(ProviderEvent).where(
                ProviderEvent.event_id == f"BNI-SMOKE-{order_id}", ProviderEvent.status == "processed")).first()
    event = wait_for(processed_event, timeout=60, what="a worker to process the bank callback")
    assert event.processed_by in ("cluster-worker1", "cluster-worker2") and event.request_id == request_id
    assert event.outcome == "recorded"

    def worker_lines(function: str):
        lines = [json.loads(line) for name in ("worker1", "worker2") for line in cluster.log_lines(name)
                 if line.startswith("{") and request_id in line]
        return [line for line in lines if line["message"] == "job ended" and line["status"] == "finished"
                and line.get("job", "").endswith(function)]
    assert wait_for(lambda: worker_lines("process_event"), timeout=30, what="the worker's log of the payment job")
    with app.app_context():
        invoice = db.session.scalar(sa.select(Invoice).where(Invoice.order_id == order_id))
        assert invoice.status is InvoiceStatus.PAID and invoice.payment.recorded_at >= event.received_at
    # the "order paid" e-mail is handed to a worker too, under the same request id
    assert wait_for(lambda: worker_lines("deliver_message"), timeout=30, what="a worker to send the e-mail")
    with app.app_context():
        assert db.session.get(Order, order_id).state.value == "delivered"

    page = session.get(f"{base}/orders/{order_id}", timeout=10).text
    link = re.search(r'href="(/orders/download/[^"]+)"', page).group(1)
    served = {}
    for number in (1, 2):  # the same session and the same shared file on each web host
        response = session.get(f"{cluster.host_url(number)}{link}", timeout=10)
        assert response.status_code == 200, (number, response.status_code)
        served[number] = response.content
    assert served[1] == served[2] == b"%PDF-1.4 cluster smoke file"


def test_the_hosts_are_ready_and_their_metrics_parse_through_the_proxy(cluster):
    from prometheus_client.parser import text_string_to_metric_families

    for url in (cluster.url, cluster.host_url(1), cluster.host_url(2)):
        answer = requests.get(f"{url}/readyz", timeout=5).json()
        assert answer["status"] == "ready" and set(answer["checks"]) == {"database", "redis", "search", "storage"}
    names = {family.name for family in text_string_to_metric_families(
        requests.get(f"{cluster.host_url(1)}/metrics", timeout=5).text)}
    assert {"statdesk_request_duration_seconds", "statdesk_queue_jobs", "statdesk_outbox_messages"} <= names
