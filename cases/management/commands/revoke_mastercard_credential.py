from django.core.management.base import BaseCommand, CommandError

from cases.models import MastercardCredential
from cases.services.credentials import mastercard_credential_revoke


class Command(BaseCommand):
    help = "Revoke a Mastercard OAuth 1.0a consumer key: its signed requests are refused with 401 from now on."

    def add_arguments(self, parser):
        parser.add_argument("--consumer-key", required=True)

    def handle(self, *args, **opts):
        credential = MastercardCredential.objects.filter(consumer_key=opts["consumer_key"].strip()).first()
        if credential is None:
            raise CommandError(f"No Mastercard credential with consumer key {opts['consumer_key']!r}.")
        mastercard_credential_revoke(credential)
        self.stdout.write(f"Revoked consumer key {credential.consumer_key}.")
