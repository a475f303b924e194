"""The verification e-mail travels through a real SMTP server on loopback and its link works."""

import re

from core.extensions import db
from core.mail import SMTPTransport
from core.outbox import deliver_due
from tests.accounts.helpers import REGISTRATION
from tests.support import servers


def test_verification_mail_arrives_over_smtp_and_its_link_verifies(app, client, users):
    client.post("/register", data=REGISTRATION)
    with servers.smtp_server() as (port, received), app.app_context():
        assert deliver_due(SMTPTransport("127.0.0.1", port))["sent"] == 1
        db.session.remove()
    [mail] = received
    assert mail["To"] == REGISTRATION["email"]
    text = mail.get_payload()[0].get_payload(decode=True).decode() if mail.is_multipart() else mail.get_payload()
    link = re.search(r"http://[^/\s]+(/verify/\S+)", text).group(1)
    assert client.post(link).status_code == 302
    assert users.get(REGISTRATION["email"]).email_verified
