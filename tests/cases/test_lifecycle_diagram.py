"""The lifecycle picture in docs/architecture.md is generated from the model and kept current."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from cases.lifecycle_diagram import lifecycle_mermaid
from tests.cases.spec_lifecycle import ALLOWED_EDGES, ALLOWED_FROM, S

ARCHITECTURE = Path(settings.BASE_DIR) / "docs" / "architecture.md"


def documented_diagram() -> str:
    blocks = re.findall(r"```mermaid\n(.*?)```", ARCHITECTURE.read_text(), re.DOTALL)
    assert len(blocks) == 1, "docs/architecture.md holds one Mermaid diagram"
    return blocks[0]


def test_documented_diagram_is_the_generated_one():
    assert documented_diagram() == lifecycle_mermaid(), (
        "The lifecycle changed: paste `manage.py lifecycle_diagram` into docs/architecture.md.")


def test_diagram_holds_every_spec_edge_and_nothing_else():
    lines = lifecycle_mermaid().splitlines()
    assert lines[:2] == ["stateDiagram-v2", "    [*] --> created"]
    edges = {tuple(re.fullmatch(r"    (\w+) --> (\w+): (\w+)", line).groups()) for line in lines if ": " in line}
    assert edges == {(source.value, target.value, name) for name, source, target in ALLOWED_EDGES}
    finals = {re.fullmatch(r"    (\w+) --> \[\*\]", line).group(1) for line in lines if line.endswith("[*]")}
    assert finals == {status.value for status in S if not ALLOWED_FROM[status]}


def test_command_prints_the_diagram():
    out = io.StringIO()
    call_command("lifecycle_diagram", stdout=out)
    assert out.getvalue() == lifecycle_mermaid()
