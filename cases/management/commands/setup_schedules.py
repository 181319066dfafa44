from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from cases.tasks.schedules import SCHEDULES


def _schedule_fields(schedule) -> dict:
    if schedule.every_seconds is not None:
        interval, _ = IntervalSchedule.objects.get_or_create(every=schedule.every_seconds,
                                                             period=IntervalSchedule.SECONDS)
        return {"interval": interval, "crontab": None}
    minute, hour, day_of_month, month_of_year, day_of_week = schedule.crontab.split()
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
        day_of_week=day_of_week, timezone="UTC")
    return {"crontab": crontab, "interval": None}


class Command(BaseCommand):
    help = ("Create the beat schedules (cases/tasks/schedules.py) that are missing; existing ones and their "
            "admin edits are kept unless --reset. Safe to run on every deploy.")

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="restore every schedule to its default")

    @transaction.atomic
    def handle(self, *args, **opts):
        created = reset = 0
        for schedule in SCHEDULES:
            fields = {"task": schedule.task, "description": schedule.description, **_schedule_fields(schedule)}
            task = PeriodicTask.objects.filter(name=schedule.name).first()
            if task is None:
                PeriodicTask.objects.create(name=schedule.name, **fields)
                created += 1
            elif opts["reset"]:
                for field, value in fields.items():
                    setattr(task, field, value)
                task.enabled = True
                task.save()
                reset += 1
        self.stdout.write(f"schedules={len(SCHEDULES)} created={created} reset={reset}")
