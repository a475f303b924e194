import re

from accounts.models import Segment

REGISTRATION = {
    "email": "wayan@example.org", "full_name": "Wayan Sudirta", "segment": Segment.ACADEMIC.value,
    "institution": "Universitas Udayana", "phone": "+62 812 0000 1111", "npwp": "", "locale": "id",
    "password": "Sensus-Penduduk-2020", "confirm": "Sensus-Penduduk-2020",
}


def link_in(message, prefix: str) -> str:
    """The site-relative link starting with ``prefix`` inside an outbox message."""
    return re.search(rf"({re.escape(prefix)}\S+)", message.body_text).group(1)
