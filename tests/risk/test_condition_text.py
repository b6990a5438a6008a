"""A rule's condition in words (risk.condition_text): every field and every operator, in Vietnamese and
English, alone (the rule list) and with the value that made it hold (the review page, the API)."""
import pytest
from django.utils import translation

from risk.condition_text import WORDINGS, condition_raw, condition_sentence, reason_sentence
from risk.conditions import FIELDS

pytestmark = pytest.mark.django_db  # country names come from the reference tables

# One condition per field, with the value found (and the item it was found in): (condition, actual, item).
BY_FIELD = {
    "direction": ({"op": "ne", "value": "import"}, "export", None),
    "type_code": ({"op": "in", "value": ["A11", "A12"]}, "A12", None),
    "customs_office": ({"op": "eq", "value": "03CE"}, "03CE", None),
    "enterprise.tax_code": ({"op": "startswith", "value": "0318"}, "0318765402", None),
    "enterprise.compliance_level": ({"op": "ne", "value": "priority"}, "high", None),
    "enterprise.age_days": ({"op": "lt", "value": "180"}, "45", None),
    "enterprise.on_watchlist": ({"op": "eq", "value": True}, True, None),
    "partner.country": ({"op": "in", "value": ["CN", "KR"]}, "KR", None),
    "partner.name": ({"op": "startswith", "value": "acme"}, "acme trading ltd", None),
    "partner.on_watchlist": ({"op": "ne", "value": True}, False, None),
    "partner.watchlist_similarity": ({"op": "gte", "value": "90"}, "93.5", None),
    "transport_mode": ({"op": "not_in", "value": ["sea", "air"]}, "road", None),
    "port_of_loading": ({"op": "eq", "value": "CNSHA"}, "CNSHA", None),
    "port_of_discharge": ({"op": "ne", "value": "VNHPH"}, "VNSGN", None),
    "invoice.currency": ({"op": "not_in", "value": ["USD", "EUR"]}, "JPY", None),
    "invoice.incoterm": ({"op": "in", "value": ["EXW", "FCA"]}, "EXW", None),
    "invoice.total": ({"op": "gt", "value": "1000000.5"}, "2500000.75", None),
    "items.hs_code": ({"op": "startswith", "value": ["2203", "2204", "2208"]}, "22042100", 2),
    "items.origin_country": ({"op": "eq", "value": "CN"}, "CN", 1),
    "items.preference": ({"op": "ne", "value": "MFN"}, "ACFTA", 3),
    "items.description": ({"op": "eq", "value": "used tyres"}, "used tyres", 1),
    "items.unit_price_vs_reference": ({"op": "lt", "value": "0.7"}, "0.4500", 1),
    "items.specialised_management": ({"op": "eq", "value": True}, True, 2),
    "items.specialised_without_permit": ({"op": "eq", "value": True}, True, 3),
    "taxes.total": ({"op": "lte", "value": "5000000"}, "4200000", None),
    "item_count": ({"op": "gte", "value": "20"}, "23", None),
    "model.score": ({"op": "gte", "value": "0.8"}, "0.8731", None),
}

EXPECTED = {
    "en": {
        "direction": ("The declaration is not an import declaration", "direction: Export"),
        "type_code": ("The type code is A11 or A12", "type code: A12"),
        "customs_office": ("The customs office is 03CE", ""),
        "enterprise.tax_code": ("The enterprise's tax code starts with 0318", "tax code: 0318765402"),
        "enterprise.compliance_level": ("The enterprise is not a priority (AEO) enterprise", "compliance level: High"),
        "enterprise.age_days": ("The enterprise's age is less than 180 days", "45 days old"),
        "enterprise.on_watchlist": ("The enterprise is on the watchlist", ""),
        "partner.country": ("The partner's country is China (CN) or Korea, Republic of (KR)",
                            "country: Korea, Republic of (KR)"),
        "partner.name": ("The partner's name starts with “acme”", "name: “acme trading ltd”"),
        "partner.on_watchlist": ("The partner is not on the watchlist", ""),
        "partner.watchlist_similarity": ("The similarity of the partner's name to a watchlisted partner's is at least 90 %",
                                         "similarity: 93.5 %"),
        "transport_mode": ("The transport mode is not sea or air", "transport: Road"),
        "port_of_loading": ("The port of loading is CNSHA", ""),
        "port_of_discharge": ("The port of discharge is not VNHPH", "port: VNSGN"),
        "invoice.currency": ("The invoice currency is not USD or EUR", "currency: JPY"),
        "invoice.incoterm": ("The Incoterm is EXW or FCA", "Incoterm: EXW"),
        "invoice.total": ("The invoice total is more than 1,000,000.5", "invoice total: 2,500,000.75"),
        "items.hs_code": ("An item's HS code starts with 2203, 2204 or 2208", "item 2: 22042100"),
        "items.origin_country": ("An item's country of origin is China (CN)", "item 1"),
        "items.preference": ("An item's tariff preference is not MFN", "item 3: ACFTA"),
        "items.description": ("An item's description is “used tyres”", "item 1"),
        "items.unit_price_vs_reference": ("An item's unit price is less than 70 % of the reference price",
                                          "item 1: 45 % of the reference price"),
        "items.specialised_management": ("An item is under specialised management", "item 2"),
        "items.specialised_without_permit": (
            "An item under specialised management carries no permit, licence or inspection result", "item 3"),
        "taxes.total": ("The total of duties and taxes is at most 5,000,000 VND", "taxes: 4,200,000 VND"),
        "item_count": ("The number of goods items is at least 20", "items: 23"),
        "model.score": ("The learned model's score is at least 0.8", "model's score: 0.8731"),
    },
    "vi": {
        "direction": ("Tờ khai không phải là tờ khai nhập khẩu", "loại tờ khai: Xuất khẩu"),
        "type_code": ("Mã loại hình là A11 hoặc A12", "mã loại hình: A12"),
        "customs_office": ("Chi cục hải quan là 03CE", ""),
        "enterprise.tax_code": ("Mã số thuế của doanh nghiệp bắt đầu bằng 0318", "mã số thuế: 0318765402"),
        "enterprise.compliance_level": ("Doanh nghiệp không phải là doanh nghiệp ưu tiên", "mức tuân thủ: Cao"),
        "enterprise.age_days": ("Thời gian thành lập của doanh nghiệp dưới 180 ngày", "đã thành lập 45 ngày"),
        "enterprise.on_watchlist": ("Doanh nghiệp có trong danh sách theo dõi", ""),
        "partner.country": ("Nước của đối tác là Trung Quốc (CN) hoặc Hàn Quốc (KR)", "nước: Hàn Quốc (KR)"),
        "partner.name": ("Tên đối tác bắt đầu bằng “acme”", "tên: “acme trading ltd”"),
        "partner.on_watchlist": ("Đối tác không có trong danh sách theo dõi", ""),
        "partner.watchlist_similarity": ("Độ giống giữa tên đối tác và tên một đối tác trong danh sách theo dõi "
                                         "từ 90 % trở lên", "độ giống: 93,5 %"),
        "transport_mode": ("Phương thức vận tải không phải là đường biển hoặc đường hàng không",
                           "phương thức vận tải: Đường bộ"),
        "port_of_loading": ("Cảng xếp hàng là CNSHA", ""),
        "port_of_discharge": ("Cảng dỡ hàng không phải là VNHPH", "cảng: VNSGN"),
        "invoice.currency": ("Đồng tiền của hóa đơn không phải là USD hoặc EUR", "đồng tiền: JPY"),
        "invoice.incoterm": ("Điều kiện giao hàng (Incoterm) là EXW hoặc FCA", "điều kiện giao hàng: EXW"),
        "invoice.total": ("Tổng trị giá hóa đơn trên 1.000.000,5", "tổng trị giá hóa đơn: 2.500.000,75"),
        "items.hs_code": ("Mã HS của một dòng hàng bắt đầu bằng 2203, 2204 hoặc 2208", "dòng hàng 2: 22042100"),
        "items.origin_country": ("Nước xuất xứ của một dòng hàng là Trung Quốc (CN)", "dòng hàng 1"),
        "items.preference": ("Ưu đãi thuế của một dòng hàng không phải là MFN", "dòng hàng 3: ACFTA"),
        "items.description": ("Mô tả của một dòng hàng là “used tyres”", "dòng hàng 1"),
        "items.unit_price_vs_reference": ("Đơn giá của một dòng hàng dưới 70 % giá tham chiếu",
                                          "dòng hàng 1: 45 % giá tham chiếu"),
        "items.specialised_management": ("Một dòng hàng thuộc diện quản lý chuyên ngành", "dòng hàng 2"),
        "items.specialised_without_permit": (
            "Một dòng hàng thuộc diện quản lý chuyên ngành chưa khai giấy phép, giấy chứng nhận hay kết quả kiểm tra",
            "dòng hàng 3"),
        "taxes.total": ("Tổng số tiền thuế không quá 5.000.000 VND", "tiền thuế: 4.200.000 VND"),
        "item_count": ("Số dòng hàng từ 20 trở lên", "số dòng hàng: 23"),
        "model.score": ("Điểm của mô hình học máy từ 0,8 trở lên", "điểm của mô hình: 0,8731"),
    },
}


def test_every_field_has_a_wording_and_a_case_here():
    assert set(WORDINGS) == set(FIELDS) == set(BY_FIELD) == set(EXPECTED["en"]) == set(EXPECTED["vi"])


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("name", list(FIELDS))
def test_each_field_alone_and_with_the_value_found(language, name):
    condition, actual, item = BY_FIELD[name]
    condition = {"field": name, **condition}
    alone, found = EXPECTED[language][name]
    with translation.override(language):
        assert condition_sentence(condition) == alone
        assert condition_sentence(condition, actual=actual, item=item) == (f"{alone} ({found})" if found else alone)
        assert reason_sentence({**condition, "actual": actual, **({"item": item} if item else {})}) == (
            f"{alone} ({found})" if found else alone)


# Every operator of every kind of field, in both languages.
BY_OPERATOR = [
    ("enterprise.age_days", "eq", "30", "The enterprise's age is 30 days", "Thời gian thành lập của doanh nghiệp bằng 30 ngày"),
    ("enterprise.age_days", "ne", "30", "The enterprise's age is not 30 days", "Thời gian thành lập của doanh nghiệp khác 30 ngày"),
    ("enterprise.age_days", "gt", "30", "The enterprise's age is more than 30 days", "Thời gian thành lập của doanh nghiệp trên 30 ngày"),
    ("enterprise.age_days", "gte", "30", "The enterprise's age is at least 30 days",
     "Thời gian thành lập của doanh nghiệp từ 30 ngày trở lên"),
    ("enterprise.age_days", "lt", "30", "The enterprise's age is less than 30 days", "Thời gian thành lập của doanh nghiệp dưới 30 ngày"),
    ("enterprise.age_days", "lte", "30", "The enterprise's age is at most 30 days", "Thời gian thành lập của doanh nghiệp không quá 30 ngày"),
    ("item_count", "in", ["1", "2"], "The number of goods items is 1 or 2", "Số dòng hàng bằng 1 hoặc 2"),
    ("model.score", "lt", "0.25", "The learned model's score is less than 0.25", "Điểm của mô hình học máy dưới 0,25"),
    ("item_count", "not_in", ["1", "2", "3"], "The number of goods items is not 1, 2 or 3", "Số dòng hàng khác 1, 2 hoặc 3"),
    ("type_code", "eq", "A11", "The type code is A11", "Mã loại hình là A11"),
    ("type_code", "ne", "A11", "The type code is not A11", "Mã loại hình không phải là A11"),
    ("type_code", "in", ["A11"], "The type code is A11", "Mã loại hình là A11"),
    ("type_code", "not_in", ["A11", "A12"], "The type code is not A11 or A12", "Mã loại hình không phải là A11 hoặc A12"),
    ("type_code", "startswith", "A", "The type code starts with A", "Mã loại hình bắt đầu bằng A"),
    ("type_code", "startswith", ["A", "B"], "The type code starts with A or B", "Mã loại hình bắt đầu bằng A hoặc B"),
    ("enterprise.compliance_level", "eq", "priority", "The enterprise is a priority (AEO) enterprise",
     "Doanh nghiệp là doanh nghiệp ưu tiên"),
    ("enterprise.compliance_level", "in", ["low", "new"],
     "The enterprise is an enterprise of low compliance or a new enterprise without a compliance record",
     "Doanh nghiệp là doanh nghiệp tuân thủ thấp hoặc doanh nghiệp mới, chưa được xếp mức tuân thủ"),
    ("enterprise.compliance_level", "not_in", ["high", "medium"],
     "The enterprise is not an enterprise of high compliance or an enterprise of medium compliance",
     "Doanh nghiệp không phải là doanh nghiệp tuân thủ cao hoặc doanh nghiệp tuân thủ trung bình"),
    ("direction", "eq", "export", "The declaration is an export declaration", "Tờ khai là tờ khai xuất khẩu"),
    ("items.preference", "in", ["ACFTA", "EVFTA"], "An item's tariff preference is ACFTA (ASEAN–China) or EVFTA (EU–Vietnam)",
     "Ưu đãi thuế của một dòng hàng là ACFTA (ASEAN – Trung Quốc) hoặc EVFTA (Liên minh châu Âu – Việt Nam)"),
    ("partner.on_watchlist", "eq", True, "The partner is on the watchlist", "Đối tác có trong danh sách theo dõi"),
    ("partner.on_watchlist", "eq", False, "The partner is not on the watchlist", "Đối tác không có trong danh sách theo dõi"),
    ("partner.on_watchlist", "ne", False, "The partner is on the watchlist", "Đối tác có trong danh sách theo dõi"),
    ("items.specialised_management", "ne", True, "An item is not under specialised management",
     "Một dòng hàng không thuộc diện quản lý chuyên ngành"),
    ("items.hs_code", "in", [str(24022000 + n) for n in range(11)],
     "An item's HS code is 24022000, 24022001, 24022002, 24022003, 24022004, 24022005, 24022006, 24022007 and 3 more",
     "Mã HS của một dòng hàng là 24022000, 24022001, 24022002, 24022003, 24022004, 24022005, 24022006, 24022007 "
     "và 3 giá trị khác"),
]


@pytest.mark.parametrize("name, op, value, english, vietnamese", BY_OPERATOR)
def test_each_operator(name, op, value, english, vietnamese):
    condition = {"field": name, "op": op, "value": value}
    with translation.override("en"):
        assert condition_sentence(condition) == english
    with translation.override("vi"):
        assert condition_sentence(condition) == vietnamese


def test_every_operator_of_every_field_reads_without_field_names_in_both_languages():
    """The whole matrix: no field name or operator code leaks into the words, and Vietnamese differs from English."""
    samples = {"number": "5", "bool": True, "choice": None, "country": "CN", "hs": "24022090", "code": "X1", "text": "abc"}
    for name, spec in FIELDS.items():
        for op in spec.ops:
            actual = spec.choices[0] if spec.kind == "choice" else samples[spec.kind]
            condition = {"field": name, "op": op, "value": [actual] if op in ("in", "not_in") else actual}
            texts = {}
            for language in ("en", "vi"):
                with translation.override(language):
                    texts[language] = condition_sentence(condition, actual=actual)
                if "." in name or "_" in name:
                    assert name not in texts[language], (language, condition)
                assert not {"eq", "ne", "gt", "gte", "lt", "lte", "not_in", "startswith", "True", "False"} & set(texts[language].split()), condition
            assert texts["en"] != texts["vi"], condition


def test_a_field_the_portal_no_longer_knows_reads_as_stored():
    assert condition_sentence({"field": "enterprise.colour", "op": "eq", "value": "red"}) == "enterprise.colour eq red"


def test_the_raw_condition_for_risk_admins():
    assert condition_raw({"field": "enterprise.compliance_level", "op": "ne", "value": "priority"}) == (
        "enterprise.compliance_level ≠ priority")
    assert condition_raw({"field": "items.hs_code", "op": "startswith", "value": ["2203", "2204"]}) == (
        "items.hs_code starts with 2203, 2204")
    assert condition_raw({"field": "partner.on_watchlist", "op": "eq", "value": True}) == "partner.on_watchlist = true"
