"""Recalibrate an installed default rule set for permits of specialised management (issue 15).

The seeded rule "Specialised management without priority status" (score 30, minimum yellow)
fired for nearly every declaration: two thirds of the tariff's lines are under some ministry's
management. Goods items now carry their permits (declarations.GoodsItem.permits), so:

- that rule gets a new version: score 10, no minimum channel (a weight, it selects nothing alone);
- a new rule "Specialised management without a permit" (score 20, minimum yellow) selects the
  lines that need a permit and give none: with the weight, such a line scores the 30 it did before.

Only a rule set that still has the seeded rule as it was seeded is changed (a risk admin's own
edit of it is left alone); a database without it (not seeded yet) gets both from the seed
(risk/services/defaults.py). Versions are never changed: the earlier version stays, with the
explanations stored for decisions made under it. The texts are written here as they were
shipped, so that later edits of the defaults do not change what this migration did.
"""
from django.db import migrations

OLD_NAME = "Specialised management without priority status"
OLD_CONDITIONS = [{"field": "items.specialised_management", "op": "eq", "value": True},
                  {"field": "enterprise.compliance_level", "op": "ne", "value": "priority"}]
WEIGHT = {
    "description_vi": "Hàng hóa thuộc quản lý chuyên ngành của bộ, ngành khác, doanh nghiệp không phải doanh nghiệp "
                      "ưu tiên (AEO): cộng thêm ít điểm vào các dấu hiệu khác; riêng quy tắc này không chọn kiểm tra.",
    "description_en": "Goods under another ministry's management, enterprise without priority (AEO) status: adds a "
                      "little to the other signals; on its own it selects nothing for a check.",
    "score": 10,
    "min_channel": "",
}
NEW_RULE = {
    "name_vi": "Hàng quản lý chuyên ngành chưa khai giấy phép",
    "name_en": "Specialised management without a permit",
    "description_vi": "Dòng hàng thuộc quản lý chuyên ngành của bộ, ngành khác mà không khai số giấy phép, giấy "
                      "chứng nhận kiểm dịch hay kết quả kiểm tra chất lượng (cấp qua Cơ chế một cửa quốc gia): kiểm "
                      "tra hồ sơ.",
    "description_en": "A line under another ministry's management that gives no permit, licence, quarantine "
                      "certificate or quality-inspection result (issued through the national single window): "
                      "document check.",
    "conditions": [{"field": "items.specialised_without_permit", "op": "eq", "value": True}],
    "score": 20,
    "min_channel": "yellow",
}
NOTE = "issue 15: permits of specialised management (migration risk 0008)"


def recalibrate(apps, schema_editor):
    RiskRule = apps.get_model("risk", "RiskRule")
    RiskRuleVersion = apps.get_model("risk", "RiskRuleVersion")
    seeded = [rule for rule in RiskRule.objects.select_related("current").filter(current__name_en=OLD_NAME)
              if rule.current.conditions == OLD_CONDITIONS and rule.current.score == 30
              and rule.current.min_channel == "yellow"]
    if not seeded:
        return
    for rule in seeded:
        current = rule.current
        version = RiskRuleVersion.objects.create(
            rule=rule, version=current.version + 1, name_vi=current.name_vi, name_en=current.name_en,
            description_vi=WEIGHT["description_vi"], description_en=WEIGHT["description_en"],
            conditions=current.conditions, score=WEIGHT["score"], min_channel=WEIGHT["min_channel"],
            active=current.active, valid_from=current.valid_from, valid_to=current.valid_to, change_note=NOTE)
        rule.current = version
        rule.save(update_fields=["current"])
    if not RiskRule.objects.filter(current__name_en=NEW_RULE["name_en"]).exists():
        rule = RiskRule.objects.create()
        version = RiskRuleVersion.objects.create(rule=rule, version=1, active=True, change_note=NOTE, **NEW_RULE)
        rule.current = version
        rule.save(update_fields=["current"])


class Migration(migrations.Migration):

    dependencies = [
        ('risk', '0008_computed_compliance'),
        ('declarations', '0021_goods_item_permits'),
    ]

    operations = [
        migrations.RunPython(recalibrate, migrations.RunPython.noop),
    ]
