"""Network messages gain their apply lane (cases/services/network_inbound.py); the items still
waiting get the lane of their claim id, as new ones do (two lanes)."""

import zlib

from django.db import migrations, models

LANES = 2


def lanes_of_waiting_items(apps, schema_editor):
    NetworkMessage = apps.get_model("cases", "NetworkMessage")
    waiting = NetworkMessage.objects.exclude(state="applied").only("pk", "claim_id")
    changed = []
    for message in waiting.iterator(chunk_size=2000):
        message.lane = zlib.crc32(message.claim_id.encode("utf-8")) % LANES
        if message.lane:
            changed.append(message)
    NetworkMessage.objects.bulk_update(changed, ["lane"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_network_exceptions_permission'),
    ]

    operations = [
        migrations.AddField(
            model_name='networkmessage',
            name='lane',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name='networkmessage',
            index=models.Index(condition=models.Q(('state', 'received')), fields=['network', 'lane', 'id'],
                               name='netmessage_lane_waiting_idx'),
        ),
        migrations.RunPython(lanes_of_waiting_items, migrations.RunPython.noop),
    ]
