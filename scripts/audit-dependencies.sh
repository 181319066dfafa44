#!/usr/bin/env bash
# Audits requirements.txt for known vulnerabilities with pip-audit (PyPI's advisory data).
# A vulnerability fails the run. A dependency pip-audit could not look up (the advisory service
# unreachable, or answering 404 for per-version lookups as some mirrors do) is reported loudly,
# and is a failure when REQUIRE_AUDIT=1.
set -u
cd "$(dirname "$0")/.."
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
.venv/bin/pip-audit --progress-spinner off -r requirements.txt -f json -o "$report"
status=$?
.venv/bin/python - "$report" "$status" <<'PY'
import json, os, sys

report, status = sys.argv[1], int(sys.argv[2])
try:
    deps = json.load(open(report))["dependencies"]
except (OSError, ValueError, KeyError):
    print("pip-audit produced no report.")
    sys.exit(status or 1)
vulnerable = [(d["name"], d["version"], v["id"]) for d in deps if "vulns" in d for v in d["vulns"]]
audited = [d for d in deps if "skip_reason" not in d]
skipped = [d for d in deps if "skip_reason" in d]
print(f"pip-audit: dependencies={len(deps)} audited={len(audited)} skipped={len(skipped)} "
      f"vulnerabilities={len(vulnerable)}")
for name, version, vuln in vulnerable:
    print(f"  VULNERABLE {name} {version}: {vuln}")
if skipped:
    print("!" * 80)
    print(f"!!! {len(skipped)} dependencies NOT AUDITED: {skipped[0]['skip_reason']}")
    print("!!! The advisory lookups (https://pypi.org/pypi/<name>/<version>/json) did not answer here.")
    print("!" * 80)
if vulnerable or status not in (0, 1):
    sys.exit(1)
if skipped and os.environ.get("REQUIRE_AUDIT") == "1":
    print("REQUIRE_AUDIT=1: failing.")
    sys.exit(1)
PY
