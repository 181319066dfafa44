from django.core.management.base import BaseCommand, CommandError

from cases import money
from cases.choices import ApiScope
from cases.models import ApiKey, Program


class Command(BaseCommand):
    help = "Create an API key for a program (created with defaults if absent). Prints the key once, last line."

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="program_id")
        parser.add_argument("--scopes", default="read", help="comma-separated: read,write,manage")
        parser.add_argument("--name", default="", help="a label for the key")
        parser.add_argument("--currency", default="USD", help="default currency when the program is created")

    def handle(self, *args, **opts):
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        bad = [s for s in scopes if s not in ApiScope.values]
        if bad or not scopes:
            raise CommandError(f"Unknown scopes {bad}; choose from {', '.join(ApiScope.values)}.")
        program_id = opts["program"].strip()
        if not program_id or len(program_id) > 126:
            raise CommandError("--program must be 1-126 characters.")
        currency = opts["currency"].upper()
        if not money.is_currency(currency):
            raise CommandError(f"Unknown currency {currency}.")
        program, created = Program.objects.get_or_create(
            program_id=program_id, defaults={"name": program_id, "default_currency": currency}
        )
        if created:
            self.stderr.write(f"Created program {program_id} ({currency}).")
        _, key = ApiKey.objects.create_key(name=opts["name"] or f"{program_id} {'+'.join(scopes)}",
                                           program=program, scopes=scopes)
        self.stderr.write(f"API key for {program_id} with scopes {', '.join(scopes)} (shown once):")
        self.stdout.write(key)
