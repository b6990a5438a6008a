"""Watchlisted partners are matched by a normalised key (risk.names.partner_name_key): the key of
every existing entry is computed here, and the uniqueness moves from the exact name to the key.

Entries that were listed separately before and now share a key in one country ("ACME LTD" and
"Acme, Ltd.") are one partner: the oldest active one stays active, the others are deactivated
(they are kept for the record, and the one left active still matches all their spellings)."""

import django.db.models.deletion
from django.db import migrations, models

from risk.names import partner_name_key


def name_keys_compute(apps, schema_editor):
    WatchlistedPartner = apps.get_model("risk", "WatchlistedPartner")
    seen_active = set()
    for partner in WatchlistedPartner.objects.order_by("-active", "created_at", "id"):
        partner.name_key = partner_name_key(partner.name)
        fields = ["name_key"]
        if partner.active:
            if (partner.name_key, partner.country) in seen_active:
                partner.active = False
                fields.append("active")
            seen_active.add((partner.name_key, partner.country))
        partner.save(update_fields=fields)


class Migration(migrations.Migration):

    dependencies = [
        ('risk', '0002_backtest'),
    ]

    operations = [
        migrations.CreateModel(
            name='WatchlistChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('active', models.BooleanField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='watchlistedpartner',
            name='watchlisted_partner_unique',
        ),
        migrations.AddField(
            model_name='watchlistedpartner',
            name='name_key',
            field=models.CharField(default='', editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(name_keys_compute, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='watchlistedpartner',
            index=models.Index(fields=['name_key', 'country'], name='watchlisted_partner_key'),
        ),
        migrations.AddConstraint(
            model_name='watchlistedpartner',
            constraint=models.UniqueConstraint(condition=models.Q(('active', True)), fields=('name_key', 'country'), name='watchlisted_partner_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='watchlistedpartner',
            constraint=models.CheckConstraint(condition=models.Q(('name_key', ''), _negated=True), name='watchlisted_partner_key_set'),
        ),
        migrations.AddField(
            model_name='watchlistchange',
            name='partner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='risk.watchlistedpartner'),
        ),
    ]
