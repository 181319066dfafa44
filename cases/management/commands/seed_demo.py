import time
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import make_password
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
# The main program also holds one Reg E / Reg Z case per clock status (cases/demo_regulation.py).
REGULATION_PROGRAM = "demo"


class Command(BaseCommand):
    help = ("Load demo data: programs demo (USD), demo_eu (EUR) and demo_uk (GBP), roles, users, a book of "
            "~250 cases. Deterministic; idempotent (a program that holds cases is left as it is).")

    def handle(self, *args, **opts):
        started = time.monotonic()
        # The whole load is one transaction: one commit (and one journal sync on SQLite) instead of
        # one per service call. New users' passwords are hashed on a thread beside the load: PBKDF2
        # runs without holding the interpreter's lock, so it costs no time on a second core.
        with ThreadPoolExecutor(max_workers=2) as hashing, transaction.atomic():
            ensure_roles(Group, Permission)
            users, passwords = {}, {}
            for username, password, role, staff, superuser in DEMO_USERS:
                user, created = User.objects.get_or_create(username=username, defaults={
                    "email": f"{username}@disputes.example", "is_staff": staff, "is_superuser": superuser})
                if created:
                    passwords[username] = hashing.submit(make_password, password)
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
            for username, hashed in passwords.items():
                User.objects.filter(username=username).update(password=hashed.result())
        if added:
            self.stdout.write(f"Seeded {added} cases in {time.monotonic() - started:.1f} s.")
        self.stdout.write("Demo logins (username / password):")
        for username, password, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {password:<22} ({role})")
