from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Program
from cases.services.credentials import CredentialRefused, mastercard_credential_create


class Command(BaseCommand):
    help = ("Register a Mastercard OAuth 1.0a consumer key for a program with the client's signing certificate "
            "(PEM; its public key is stored). Requests to /global-processing/dispute signed with the matching "
            "private key are then authenticated as the program's.")

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="program_id (must exist)")
        parser.add_argument("--consumer-key", required=True, help="the client's OAuth consumer key")
        parser.add_argument("--certificate", required=True, help="PEM file: the certificate or its RSA public key")
        parser.add_argument("--scopes", default="write", help="comma-separated: read,write,manage (default write)")

    def handle(self, *args, **opts):
        program = Program.objects.filter(program_id=opts["program"].strip()).first()
        if program is None:
            raise CommandError(f"No program {opts['program']!r}.")
        try:
            pem = Path(opts["certificate"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {opts['certificate']}: {exc.strerror}.") from None
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        try:
            credential = mastercard_credential_create(program=program, consumer_key=opts["consumer_key"],
                                                      certificate_pem=pem, scopes=scopes)
        except CredentialRefused as exc:
            raise CommandError(str(exc)) from None
        expiry = f", certificate valid until {credential.not_valid_after:%Y-%m-%d}" if credential.not_valid_after else ""
        self.stdout.write(f"Registered consumer key {credential.consumer_key} for {program.program_id} "
                          f"(scopes {', '.join(scopes)}; SHA-256 {credential.fingerprint}{expiry}).")
