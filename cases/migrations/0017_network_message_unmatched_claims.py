"""An index for the items kept for a claim no case knew yet (network_inbound.messages_for_new_claims)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_network_message_lanes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='networkmessage',
            index=models.Index(condition=models.Q(('case__isnull', True), ('state', 'unmatched')),
                               fields=['network', 'claim_id'], name='netmessage_unmatched_claim_idx'),
        ),
    ]
