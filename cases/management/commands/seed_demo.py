import time
from functools import partial

from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.demo import PROGRAMS, seed_cases, seed_pending_approvals
from cases.demo_regulation import seed_regulation_cases
from cases.models import Program
from cases.roles import ensure_roles

DEMO_USERS = [
    # username, password, role group, staff, superuser
    ("analyst", "analyst-demo-2026", "analyst", False, False),
    ("analyst2", "analyst2-demo-2026", "analyst", False, False),
    ("supervisor", "supervisor-demo-2026", "supervisor", False, False),
    ("admin", "admin-demo-2026", "supervisor", True, True),
]
# The demo passwords above (printed by every load, so nothing secret) hashed once with Django's
# default hasher: PBKDF2 costs a quarter of a second per password by design, a second for the
# four. Used when that is the configured hasher; a later Django's stronger settings re-hash each
# password at its first login. tests/cases/test_demo.py checks each against its password.
DEMO_PASSWORD_HASHES = {
    "analyst": "pbkdf2_sha256$1000000$disputesdemoanalyst$VpPc1CzjlEHRXu5vyegiY2tU8KrXNUf+pBQI/GKMzNo=",
    "analyst2": "pbkdf2_sha256$1000000$disputesdemoanalyst2$vb/NUTN8JTAEUhtTIwT87Ok6Ua5aVx+CCJ1O1zZdy+w=",
    "supervisor": "pbkdf2_sha256$1000000$disputesdemosupervisor$8/OhMZ460AqM+vQm3h5UInQNnd+umuuA553OAYV3iSg=",
    "admin": "pbkdf2_sha256$1000000$disputesdemoadmin$scJcwqGgT/R/V3rfaZlgLjml7QYQQs1q/zEo4a5sOzI=",
}
# The main program also holds one Reg E / Reg Z case per clock status (cases/demo_regulation.py).
REGULATION_PROGRAM = "demo"


def demo_password_hash(username: str, password: str) -> str:
    stored = DEMO_PASSWORD_HASHES.get(username, "")
    if stored.startswith(get_hasher().algorithm + "$"):
        return stored
    return make_password(password)


class Command(BaseCommand):
    # `migrate`, run just before by `make run`, checks the project; the checks would add half a
    # second to a load that takes a few.
    requires_system_checks = []
    help = ("Load demo data: programs demo (USD), demo_eu (EUR) and demo_uk (GBP), roles, users, a book of "
            "~250 cases. Deterministic; idempotent (a program that holds cases is left as it is).")

    def handle(self, *args, **opts):
        started = time.monotonic()
        # The whole load is one transaction: one commit (and one journal sync on SQLite) instead of
        # one per service call.
        with transaction.atomic():
            ensure_roles(Group, Permission)
            users = {}
            for username, password, role, staff, superuser in DEMO_USERS:
                user, _ = User.objects.get_or_create(username=username, defaults={
                    "email": f"{username}@disputes.example", "is_staff": staff, "is_superuser": superuser,
                    "password": partial(demo_password_hash, username, password)})  # called for a new user
                user.groups.add(Group.objects.get(name=role))
                users[username] = user
            # Analysts hold most of the assigned work; the supervisor a few cases.
            team = [users["analyst"], users["analyst2"]] * 2 + [users["supervisor"]]
            added = 0
            for spec in PROGRAMS:
                program, _ = Program.objects.get_or_create(program_id=spec.program_id, defaults={
                    "name": spec.name, "default_currency": spec.currency, "review_threshold": spec.review_threshold,
                    "time_zone": spec.time_zone, "consumer_regulation": spec.consumer_regulation})
                if program.cases.exists():
                    self.stdout.write(f"Program {spec.program_id} already holds {program.cases.count()} cases; "
                                      "nothing added.")
                    continue
                # Maker-checker: the supervisor asks, the admin (a second supervisor) approves.
                made = seed_cases(program, users["supervisor"], count_scale=spec.size, team=team,
                                  approver=users["admin"])
                self.stdout.write(f"Created {made} demo cases in {spec.program_id}.")
                added += made
                if spec.program_id == REGULATION_PROGRAM:
                    made = seed_regulation_cases(program, users["supervisor"], approver=users["admin"])
                    self.stdout.write(f"Created {made} Reg E / Reg Z demo cases (one per clock status).")
                    added += made
                    made = seed_pending_approvals(program, users["admin"])
                    self.stdout.write(f"Left {made} requests waiting for the supervisor's approval.")
        if added:
            self.stdout.write(f"Seeded {added} cases in {time.monotonic() - started:.1f} s.")
        self.stdout.write("Demo logins (username / password):")
        for username, password, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {password:<22} ({role})")
