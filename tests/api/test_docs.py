"""docs/api.md: every `curl` example in a bash block is replayed with the test client, status checked."""

import base64
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def curl_examples(text: str) -> list[tuple[str, int]]:
    """(command, expected status) for each `curl` in a ```bash block, followed by `# => <status>`.

    A command runs on over continuation lines and over the lines of a quoted body.
    """
    examples = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        lines = block.replace("\\\n", " ").splitlines()
        index = 0
        while index < len(lines):
            if not lines[index].startswith("curl "):
                index += 1
                continue
            command = lines[index]
            while not _complete(command):
                index += 1
                command += "\n" + lines[index]
            match = re.match(r"# => (\d{3})", lines[index + 1] if index + 1 < len(lines) else "")
            assert match, f"no expected status after: {command[:60]}"
            examples.append((command, int(match.group(1))))
            index += 2
    return examples


def _complete(command: str) -> bool:
    try:
        shlex.split(command)
    except ValueError:
        return False
    return True


def replay(client, command: str):
    args = shlex.split(command)[1:]
    method, headers, data, url = None, {}, None, None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ("-X", "-H", "-d", "-u"):
            value = args[index + 1]
            index += 2
            if arg == "-X":
                method = value
            elif arg == "-H":
                name, _, header = value.partition(":")
                headers[name.strip()] = header.strip()
            elif arg == "-d":
                data = value
            else:
                headers["Authorization"] = "Basic " + base64.b64encode(value.encode()).decode()
            continue
        if not arg.startswith("-"):
            url = arg
        index += 1
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    content_type = headers.pop("Content-Type", "application/octet-stream")
    return client.generic(method or ("POST" if data else "GET"), path, data or "", content_type=content_type,
                          headers=headers)


def test_guide_has_examples():
    assert len(curl_examples(GUIDE.read_text())) >= 12


# The guide's transaction is dated 2026-01-15: replay it while that is recent (inside the filing window).
@time_machine.travel("2026-02-01T12:00:00Z", tick=True)
def test_every_curl_example_answers_as_documented(client, api_keys):
    raw = api_keys["manage"][1]
    prefix, _, secret = raw.partition(".")
    text = GUIDE.read_text().replace("$API_KEY_PREFIX", prefix).replace("$API_KEY_SECRET", secret)
    text = text.replace("$API_KEY", raw)
    for command, expected in curl_examples(text):
        response = replay(client, command)
        assert response.status_code == expected, (command[:80], response.content[:300])
    replayed = replay(client, [c for c, _ in curl_examples(text) if "open-case-demo-1" in c][1])
    assert replayed["Idempotent-Replayed"] == "true"
