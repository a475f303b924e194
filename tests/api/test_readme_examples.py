"""The README's API section: it lists every operation of the OpenAPI document, links the reference page, and
its ``curl`` examples run against a live server with answers that are not errors."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import pytest

from tests.support import servers

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def _section() -> str:
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    start = text.index("## Open data API")
    return text[start:text.index("\n## ", start + 3)]


def test_the_readme_lists_every_operation_and_links_the_reference(client):
    section = _section()
    assert "/api/docs" in section and "/api/v1/openapi.json" in section
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}`" in section, f"{method.upper()} {path}"
    for action in ("status_show", "package_list", "package_search", "package_show", "organization_list",
                   "group_list"):
        assert action in section


@pytest.fixture
def site(app, catalog, users, token_for):
    token = token_for(users.make())
    with servers.live_server(app) as url:
        yield url, token


def test_the_curl_examples_run(site):
    url, token = site
    blocks = re.findall(r"```sh\n(.*?)```", _section(), flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("curl ")]
    assert len(commands) >= 6
    environment = dict(os.environ, SITE=url, TOKEN=token)
    for command in commands:
        expanded = [os.path.expandvars(part) if "$" in part else part
                    for part in shlex.split(command.replace("$SITE", url).replace("$TOKEN", token))]
        done = subprocess.run([*expanded, "-w", "\n%{http_code}", "--max-time", "30"], capture_output=True,
                              text=True, env=environment, timeout=60, check=True)
        body, status = done.stdout.rsplit("\n", 1)
        expected = 400 if "year=abc" in command else (201 if "-X POST" in command else 200)
        assert int(status) == expected, (command, body[:300])
        assert body.strip()
