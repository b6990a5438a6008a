"""The default rule set and reference prices that the demo seed loads (docs/risk-rules.md).

Each rule is the body `risk_rule_create` takes, with its name and description in both
languages (`name_vi`, `name_en`, `description_vi`, `description_en`): a new default rule
gives all four. The seed recognises a rule already there by its English name.
"""
from decimal import Decimal

from risk.models import ReferencePrice, RiskRule, RiskSettings
from risk.services.rules import risk_rule_create

# Shared with the data migration that recalibrates installed rule sets (risk/migrations/0008).
SPECIALISED_WITHOUT_PERMIT = {
    "name_vi": "Hàng quản lý chuyên ngành chưa khai giấy phép",
    "name_en": "Specialised management without a permit",
    "description_vi": "Dòng hàng thuộc quản lý chuyên ngành của bộ, ngành khác mà không khai số giấy phép, giấy "
                      "chứng nhận kiểm dịch hay kết quả kiểm tra chất lượng (cấp qua Cơ chế một cửa quốc gia): kiểm "
                      "tra hồ sơ.",
    "description_en": "A line under another ministry's management that gives no permit, licence, quarantine "
                      "certificate or quality-inspection result (issued through the national single window): "
                      "document check.",
}
SPECIALISED_WEIGHT = {
    "description_vi": "Hàng hóa thuộc quản lý chuyên ngành của bộ, ngành khác, doanh nghiệp không phải doanh nghiệp "
                      "ưu tiên (AEO): cộng thêm ít điểm vào các dấu hiệu khác; riêng quy tắc này không chọn kiểm tra.",
    "description_en": "Goods under another ministry's management, enterprise without priority (AEO) status: adds a "
                      "little to the other signals; on its own it selects nothing for a check.",
    "score": 10,
}

DEFAULT_RULES = [
    {
        "name_vi": "Sản phẩm thuốc lá",
        "name_en": "Tobacco products",
        "description_vi": "Thuốc lá điếu, xì gà và các loại thuốc lá khác (HS 2402): kiểm tra thực tế hàng hóa.",
        "description_en": "Cigarettes, cigars and other tobacco (HS 2402): physical inspection.",
        "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
        "score": 60, "min_channel": "red",
    },
    {
        "name_vi": "Đồ uống có cồn",
        "name_en": "Alcoholic beverages",
        "description_vi": "Bia, rượu vang, rượu mạnh (HS 2203–2208): kiểm tra thực tế hàng hóa.",
        "description_en": "Beer, wine, spirits (HS 2203–2208): physical inspection.",
        "conditions": [{"field": "items.hs_code", "op": "startswith",
                        "value": ["2203", "2204", "2205", "2206", "2207", "2208"]}],
        "score": 50, "min_channel": "red",
    },
    {
        "name_vi": "Hàng đã qua sử dụng: quần áo cũ và lốp xe cũ",
        "name_en": "Used goods: worn clothing and used tyres",
        "description_vi": "Quần áo đã qua sử dụng (6309) và lốp hơi đã qua sử dụng (401220) là hàng hạn chế "
                          "nhập khẩu.",
        "description_en": "Worn clothing (6309) and used pneumatic tyres (401220) are restricted imports.",
        "conditions": [{"field": "direction", "op": "eq", "value": "import"},
                       {"field": "items.hs_code", "op": "startswith", "value": ["6309", "401220"]}],
        "score": 50, "min_channel": "red",
    },
    {
        "name_vi": "Phế liệu kim loại và nhựa",
        "name_en": "Metal and plastic scrap",
        "description_vi": "Phế liệu sắt thép (7204), phế liệu nhựa (3915) và phế liệu giấy (4707) phải được kiểm tra "
                          "về môi trường.",
        "description_en": "Ferrous scrap (7204), plastic scrap (3915) and paper scrap (4707) need an environmental check.",
        "conditions": [{"field": "direction", "op": "eq", "value": "import"},
                       {"field": "items.hs_code", "op": "startswith", "value": ["7204", "3915", "4707"]}],
        "score": 40, "min_channel": "yellow",
    },
    {
        "name_vi": "Ô tô",
        "name_en": "Motor cars",
        "description_vi": "Ô tô (HS 8703): kiểm tra hồ sơ về chứng nhận kiểu loại và việc xe đã qua sử dụng hay chưa.",
        "description_en": "Cars (HS 8703): document check of type approval and whether they are used.",
        "conditions": [{"field": "direction", "op": "eq", "value": "import"},
                       {"field": "items.hs_code", "op": "startswith", "value": "8703"}],
        "score": 30, "min_channel": "yellow",
    },
    # docs/decisions.md, "Permits for specialised management": two thirds of the tariff's lines are under
    # some ministry's management, so selecting every such line checked nearly every declaration. A line
    # without its permit is document-checked (20 + the weight's 10: the 30 the old rule gave); a line with
    # one only adds a little to the other signals.
    {
        "name_vi": SPECIALISED_WITHOUT_PERMIT["name_vi"],
        "name_en": SPECIALISED_WITHOUT_PERMIT["name_en"],
        "description_vi": SPECIALISED_WITHOUT_PERMIT["description_vi"],
        "description_en": SPECIALISED_WITHOUT_PERMIT["description_en"],
        "conditions": [{"field": "items.specialised_without_permit", "op": "eq", "value": True}],
        "score": 20, "min_channel": "yellow",
    },
    {
        "name_vi": "Hàng quản lý chuyên ngành của doanh nghiệp không ưu tiên",
        "name_en": "Specialised management without priority status",
        "description_vi": SPECIALISED_WEIGHT["description_vi"],
        "description_en": SPECIALISED_WEIGHT["description_en"],
        "conditions": [{"field": "items.specialised_management", "op": "eq", "value": True},
                       {"field": "enterprise.compliance_level", "op": "ne", "value": "priority"}],
        "score": SPECIALISED_WEIGHT["score"], "min_channel": "",
    },
    {
        "name_vi": "Doanh nghiệp mới thành lập",
        "name_en": "New enterprise",
        "description_vi": "Doanh nghiệp thành lập chưa đủ 180 ngày.",
        "description_en": "Enterprises founded less than 180 days ago.",
        "conditions": [{"field": "enterprise.age_days", "op": "lt", "value": 180}],
        "score": 30, "min_channel": "",
    },
    {
        "name_vi": "Mức độ tuân thủ thấp",
        "name_en": "Low compliance",
        "description_vi": "Doanh nghiệp có mức độ tuân thủ thấp.",
        "description_en": "Enterprises with a low compliance level.",
        "conditions": [{"field": "enterprise.compliance_level", "op": "eq", "value": "low"}],
        "score": 30, "min_channel": "",
    },
    {
        "name_vi": "Đối tác bị theo dõi",
        "name_en": "Watchlisted partner",
        "description_vi": "Đối tác nước ngoài có trong danh sách theo dõi.",
        "description_en": "The foreign partner is on the watchlist.",
        "conditions": [{"field": "partner.on_watchlist", "op": "eq", "value": True}],
        "score": 80, "min_channel": "red",
    },
    {
        # docs/decisions.md, "Watchlists": 90 is one letter changed in a name of ten.
        "name_vi": "Tên đối tác gần giống đối tác trong danh sách theo dõi",
        "name_en": "Partner name close to a watchlisted partner",
        "description_vi": "Tên đối tác nước ngoài giống tên một đối tác trong danh sách theo dõi từ 90 % trở lên nhưng "
                          "không trùng hẳn (khác một chữ, viết sai): công chức kiểm tra đó là ai.",
        "description_en": "The foreign partner's name is at least 90 % similar to a watchlisted partner's without being "
                          "the same name (one letter changed, a misspelling): an officer checks who it is.",
        "conditions": [{"field": "partner.on_watchlist", "op": "eq", "value": False},
                       {"field": "partner.watchlist_similarity", "op": "gte", "value": 90}],
        "score": 20, "min_channel": "yellow",
    },
    {
        "name_vi": "Doanh nghiệp bị theo dõi",
        "name_en": "Watchlisted enterprise",
        "description_vi": "Doanh nghiệp khai báo có trong danh sách theo dõi.",
        "description_en": "The declaring enterprise is on the watchlist.",
        "conditions": [{"field": "enterprise.on_watchlist", "op": "eq", "value": True}],
        "score": 80, "min_channel": "red",
    },
    {
        "name_vi": "Giá khai báo thấp hơn nhiều so với giá tham chiếu",
        "name_en": "Declared price far below the reference price",
        "description_vi": "Đơn giá dưới 70 % giá tham chiếu là dấu hiệu khai thấp trị giá.",
        "description_en": "A unit price under 70 % of the reference price suggests undervaluation.",
        "conditions": [{"field": "items.unit_price_vs_reference", "op": "lt", "value": "0.7"}],
        "score": 40, "min_channel": "",
    },
    {
        "name_vi": "Doanh nghiệp ưu tiên (AEO)",
        "name_en": "Priority (AEO) enterprise",
        "description_vi": "Doanh nghiệp ưu tiên (AEO) được giảm điểm rủi ro.",
        "description_en": "Authorised economic operators get a lower score.",
        "conditions": [{"field": "enterprise.compliance_level", "op": "eq", "value": "priority"}],
        "score": -30, "min_channel": "",
    },
]

# Indicative unit values in VND, for the undervaluation rule.
DEFAULT_REFERENCE_PRICES = [
    ("84713020", "PCE", "8000000", "laptops"),
    ("85171300", "PCE", "6000000", "smartphones"),
    ("610910", "PCE", "90000", "cotton T-shirts"),
    ("8703", "PCE", "450000000", "passenger cars"),
    ("22030091", "LTR", "45000", "beer"),
    ("24022090", "PCE", "550", "cigarettes, per stick"),
    ("08051010", "KGM", "28000", "fresh oranges"),
]


def risk_defaults_seed(*, stdout=None) -> None:
    """Load the default rules (by name, once) and reference prices; keep the settings' defaults."""
    RiskSettings.objects.get_or_create(pk=1)
    existing = set(RiskRule.objects.filter(current__isnull=False).values_list("current__name_en", flat=True))
    created = 0
    for rule in DEFAULT_RULES:
        if rule["name_en"] not in existing:
            # In force from the start: an installation's first rule set has no decisions to compare with.
            risk_rule_create(user=None, data={**rule, "active": True}, change_note="default rule set")
            created += 1
    for hs_code, unit, price, note in DEFAULT_REFERENCE_PRICES:
        ReferencePrice.objects.update_or_create(hs_code=hs_code, unit_id=unit, defaults={"price_vnd": Decimal(price), "note": note})
    if stdout is not None:
        stdout.write(f"Risk rules: {created} created, {len(DEFAULT_RULES) - created} already there\n")
