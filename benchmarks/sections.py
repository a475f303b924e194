"""Each benchmark owns one ``## `` section of ``docs/benchmarks.md`` and replaces only that."""

from __future__ import annotations

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_section(heading: str, text: str) -> None:
    """Replace the section titled ``## heading`` (``text`` starts with that line) or append it."""
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    existing = "# Benchmarks\n\n"
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            existing = handle.read()
    start = existing.find(f"## {heading}\n")
    if start >= 0:
        following = existing.find("\n## ", start + 1)
        existing = existing[:start] + (existing[following + 1:] if following >= 0 else "")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(existing.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n")
