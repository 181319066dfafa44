from django.core.management.base import BaseCommand

from cases.lifecycle_diagram import lifecycle_mermaid


class Command(BaseCommand):
    help = "Print the case lifecycle as a Mermaid stateDiagram-v2, generated from the model's transitions."

    def handle(self, *args, **opts):
        self.stdout.write(lifecycle_mermaid(), ending="")
