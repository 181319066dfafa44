"""The case lifecycle as a Mermaid state diagram, generated from the transitions declared on `Case`.

`docs/architecture.md` embeds the output of `manage.py lifecycle_diagram`; a test keeps them equal.
"""

from cases import lifecycle
from cases.choices import CaseStatus
from cases.models import Case


def lifecycle_mermaid() -> str:
    field = Case._meta.get_field("status")
    status_order = {status.value: index for index, status in enumerate(CaseStatus)}
    edges = sorted(
        {(str(t.source), str(t.target), t.name) for t in field.get_all_transitions(Case)},
        key=lambda edge: (status_order[edge[0]], lifecycle.TRANSITIONS.index(edge[2])),
    )
    sources = {source for source, _, _ in edges}
    lines = ["stateDiagram-v2", f"    [*] --> {CaseStatus(field.default).value}"]
    lines += [f"    {source} --> {target}: {name}" for source, target, name in edges]
    lines += [f"    {status.value} --> [*]" for status in CaseStatus if status.value not in sources]
    return "\n".join(lines) + "\n"
