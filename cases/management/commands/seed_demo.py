from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.demo import seed_cases, seed_pending_approvals
from cases.demo_regulation import seed_regulation_cases
from cases.models import Program
from cases.roles import ensure_roles

DEMO_USERS = [
    # username, password, role group, staff, superuser
    ("analyst", "analyst-demo-2026", "analyst", False, False),
    ("supervisor", "supervisor-demo-2026", "supervisor", False, False),
    ("admin", "admin-demo-2026", "supervisor", True, True),
]


class Command(BaseCommand):
    help = "Load demo data: program `demo`, roles, users analyst/supervisor/admin, ~200 cases. Idempotent."

    def handle(self, *args, **opts):
        ensure_roles(Group, Permission)
        with transaction.atomic():
            program, _ = Program.objects.get_or_create(
                program_id="demo", defaults={"name": "Demo card program", "default_currency": "USD",
                                             "review_threshold": 100000},
            )
            users = {}
            for username, password, role, staff, superuser in DEMO_USERS:
                user, created = User.objects.get_or_create(username=username, defaults={
                    "email": f"{username}@disputes.example", "is_staff": staff, "is_superuser": superuser})
                if created:
                    user.set_password(password)
                    user.save()
                user.groups.add(Group.objects.get(name=role))
                users[username] = user
        if program.cases.exists():
            self.stdout.write(f"Demo program already holds {program.cases.count()} cases; nothing added.")
        else:
            # Maker-checker: the supervisor asks, the admin (a second supervisor) approves.
            made = seed_cases(program, users["supervisor"], approver=users["admin"])
            self.stdout.write(f"Created {made} demo cases.")
            made = seed_regulation_cases(program, users["supervisor"], approver=users["admin"])
            self.stdout.write(f"Created {made} Reg E / Reg Z demo cases (one per clock status).")
            made = seed_pending_approvals(program, users["admin"])
            self.stdout.write(f"Left {made} requests waiting for the supervisor's approval.")
        self.stdout.write("Demo logins (username / password):")
        for username, password, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {password:<22} ({role})")
