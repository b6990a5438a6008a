"""Risk rule names and descriptions in Vietnamese and English.

Versions of the seeded default rules (their English names below, as risk/services/defaults.py
had them) get both languages; the name and description of any other rule are kept as its
Vietnamese text, which English readers see until the rule is given an English one. Versions
are otherwise never changed: this only spreads the existing text over the two columns.
"""
from django.db import migrations, models

# English name → (Vietnamese name, Vietnamese description) of the default rules, as seeded so far.
SEEDED = {
    "Tobacco products": ("Sản phẩm thuốc lá", "Thuốc lá điếu, xì gà và các loại thuốc lá khác (HS 2402): kiểm tra thực tế hàng hóa."),
    "Alcoholic beverages": ("Đồ uống có cồn", "Bia, rượu vang, rượu mạnh (HS 2203–2208): kiểm tra thực tế hàng hóa."),
    "Used goods: worn clothing and used tyres": (
        "Hàng đã qua sử dụng: quần áo cũ và lốp xe cũ",
        "Quần áo đã qua sử dụng (6309) và lốp hơi đã qua sử dụng (401220) là hàng hạn chế nhập khẩu."),
    "Metal and plastic scrap": (
        "Phế liệu kim loại và nhựa",
        "Phế liệu sắt thép (7204), phế liệu nhựa (3915) và phế liệu giấy (4707) phải được kiểm tra về môi trường."),
    "Motor cars": ("Ô tô", "Ô tô (HS 8703): kiểm tra hồ sơ về chứng nhận kiểu loại và việc xe đã qua sử dụng hay chưa."),
    "Specialised management without priority status": (
        "Hàng quản lý chuyên ngành của doanh nghiệp không ưu tiên",
        "Hàng hóa thuộc quản lý chuyên ngành của bộ, ngành khác (giấy phép, kiểm dịch, kiểm tra chất lượng) được kiểm "
        "tra hồ sơ, trừ khi doanh nghiệp là doanh nghiệp ưu tiên (AEO)."),
    "New enterprise": ("Doanh nghiệp mới thành lập", "Doanh nghiệp thành lập chưa đủ 180 ngày."),
    "Low compliance": ("Mức độ tuân thủ thấp", "Doanh nghiệp có mức độ tuân thủ thấp."),
    "Watchlisted partner": ("Đối tác bị theo dõi", "Đối tác nước ngoài có trong danh sách theo dõi."),
    "Watchlisted enterprise": ("Doanh nghiệp bị theo dõi", "Doanh nghiệp khai báo có trong danh sách theo dõi."),
    "Declared price far below the reference price": (
        "Giá khai báo thấp hơn nhiều so với giá tham chiếu",
        "Đơn giá dưới 70 % giá tham chiếu là dấu hiệu khai thấp trị giá."),
    "Priority (AEO) enterprise": ("Doanh nghiệp ưu tiên (AEO)", "Doanh nghiệp ưu tiên (AEO) được giảm điểm rủi ro."),
}


def spread_texts(apps, schema_editor):
    RiskRuleVersion = apps.get_model("risk", "RiskRuleVersion")
    for version in RiskRuleVersion.objects.all():
        if version.name in SEEDED:
            version.name_vi, version.description_vi = SEEDED[version.name]
            version.name_en, version.description_en = version.name, version.description
        else:
            version.name_vi, version.description_vi = version.name, version.description
        version.save(update_fields=["name_vi", "name_en", "description_vi", "description_en"])


def join_texts(apps, schema_editor):
    RiskRuleVersion = apps.get_model("risk", "RiskRuleVersion")
    for version in RiskRuleVersion.objects.all():
        version.name = version.name_en if version.name_en in SEEDED else (version.name_vi or version.name_en)
        version.description = version.description_en if version.name_en in SEEDED else (
            version.description_vi or version.description_en)
        version.save(update_fields=["name", "description"])


class Migration(migrations.Migration):

    dependencies = [
        ('risk', '0003_watchlist_name_key'),
    ]

    operations = [
        migrations.AddField(
            model_name='riskruleversion', name='name_vi',
            field=models.CharField(blank=True, max_length=200, verbose_name='name in Vietnamese'),
        ),
        migrations.AddField(
            model_name='riskruleversion', name='name_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='name in English'),
        ),
        migrations.AddField(
            model_name='riskruleversion', name='description_vi',
            field=models.TextField(blank=True, verbose_name='description in Vietnamese'),
        ),
        migrations.AddField(
            model_name='riskruleversion', name='description_en',
            field=models.TextField(blank=True, verbose_name='description in English'),
        ),
        migrations.AlterField(
            model_name='riskruleversion', name='name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name'),
        ),
        migrations.RunPython(spread_texts, join_texts),
        migrations.RemoveField(model_name='riskruleversion', name='name'),
        migrations.RemoveField(model_name='riskruleversion', name='description'),
        migrations.AddConstraint(
            model_name='riskruleversion',
            constraint=models.CheckConstraint(condition=~models.Q(name_vi='', name_en=''), name='risk_rule_version_named'),
        ),
        migrations.AlterModelOptions(
            name='risksettings',
            options={'verbose_name': 'risk settings', 'verbose_name_plural': 'risk settings'},
        ),
    ]
