"""axe-core (npm's package, pinned by tests/support/axe/package-lock.json) run inside a Playwright page.

The script is evaluated through the browser's debugging protocol, so nothing is loaded from the network and
the page's Content-Security-Policy (``script-src 'self'``) stays as it is served.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0/2.1/2.2 A and AA rules; best-practice rules (region, landmark-one-main...) stay on as well.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


@cache
def _source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.skip(f"needs server: axe-core at {AXE_SCRIPT} (make axe-deps installs it)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def violations(page) -> list[str]:
    """The serious and critical violations on the page as it is now, one readable line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"][:5]:
            found.append(f"{violation['id']} ({violation['impact']}): {node['target']} - "
                         f"{node.get('failureSummary', '').splitlines()[-1:]}")
    return found


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
