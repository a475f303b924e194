import re

from accounts.models import Segment

REGISTRATION = {
    "email": "wayan@example.org", "full_name": "Wayan Sudirta", "segment": Segment.ACADEMIC.value,
    "institution": "Universitas Udayana", "phone": "+62 812 0000 1111", "npwp": "", "locale": "id",
    "password": "Sensus-Penduduk-2020", "confirm": "Sensus-Penduduk-2020", "consent": "y",
}


def link_in(message, prefix: str) -> str:
    """The site-relative link starting with ``prefix`` inside an outbox message."""
    return re.search(rf"({re.escape(prefix)}\S+)", message.body_text).group(1)


def secret_on(page: str) -> str:
    """The TOTP key shown for manual entry on the two-factor set-up page."""
    return re.search(r'id="manual-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def recovery_codes_on(page: str) -> list[str]:
    """The recovery codes listed on the page shown after enrolment."""
    listing = page.split('id="recovery-codes"')[1].split("</ul>")[0]
    return re.findall(r"<li[^>]*>([a-z2-9]{5}-[a-z2-9]{5})</li>", listing)
