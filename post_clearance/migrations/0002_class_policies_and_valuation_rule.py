"""The default random rate and cap per compliance class (docs/decisions.md, "Post-clearance
selection"), and one audit rule: goods declared far under their reference price (valuation is
what post-clearance audits find most)."""
from decimal import Decimal

from django.db import migrations

POLICIES = {
    "priority": ("0.0050", "0.0100"),
    "high": ("0.0100", "0.0200"),
    "medium": ("0.0200", "0.0500"),
    "low": ("0.0500", "0.1000"),
    "new": ("0.0500", "0.1000"),
}


def forwards(apps, schema_editor):
    ClassPolicy = apps.get_model("post_clearance", "ClassPolicy")
    AuditRule = apps.get_model("post_clearance", "AuditRule")
    for level, (random_rate, cap_rate) in POLICIES.items():
        ClassPolicy.objects.get_or_create(compliance_level=level,
                                          defaults={"random_rate": Decimal(random_rate), "cap_rate": Decimal(cap_rate)})
    AuditRule.objects.get_or_create(
        name_en="Declared under half the reference price",
        defaults={"name_vi": "Giá khai báo dưới một nửa giá tham chiếu", "active": True,
                  "conditions": [{"field": "items.unit_price_vs_reference", "op": "lt", "value": "0.5"}]},
    )


class Migration(migrations.Migration):
    dependencies = [("post_clearance", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
