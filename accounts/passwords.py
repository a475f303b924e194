"""Password hashing and the strength rules shown to people who choose one."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
# The most common choices in public breach lists, plus the obvious local ones.
COMMON = frozenset([
    "password", "passw0rd", "password1", "password123", "123456789", "1234567890", "qwertyuiop",
    "qwerty123", "iloveyou", "admin12345", "welcome123", "abc1234567", "letmein123", "indonesia",
    "indonesia1", "indonesia123", "bismillah", "bismillah1", "jakarta123", "rahasia123",
    "sayangku123", "statdesk", "statdesk123",
])


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["STATDESK_PASSWORD_HASH"])


def verify_password(password_hash: str | None, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password)


def password_problems(password: str, email: str = "", full_name: str = "") -> list[str]:
    """Reasons, in the user's language, why ``password`` is too weak (empty if fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > 200:
        problems.append(_("Use at most 200 characters."))
    kinds = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
    if kinds < 2:
        problems.append(_("Mix letters with digits or symbols."))
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) <= 3:
        problems.append(_("This password is too easy to guess."))
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        problems.append(_("Do not use your e-mail address in the password."))
    if any(len(word) >= 4 and word.lower() in lowered for word in full_name.split()):
        problems.append(_("Do not use your name in the password."))
    return problems
