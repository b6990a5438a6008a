"""The tariff's rate notation, with real cells of reference/data/tariff-2026.csv (HS code and column noted)."""
import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from reference.agreements import TARIFF_COLUMNS
from reference.tariff_notation import GIC_NOTE, QUOTA_NOTE, ParsedRate, parse_rate, rate_note

TARIFF_CSV = Path(__file__).resolve().parents[2] / "reference" / "data" / "tariff-2026.csv"
D = Decimal


@pytest.mark.parametrize(
    "raw, rate",
    [
        ("5", D("5")),  # 01012900 mfn_rate
        ("7.5", D("7.5")),  # 01012900 standard_rate
        ("2.9", D("2.9")),  # 01012900 vifta
        ("10,9", D("10.9")),  # 04072100 evfta
        ("5,5", D("5.5")),  # 03061500 rcep_d
        ("0", D("0")),  # 01012100 mfn_rate
        ("202.5", D("202.5")),  # 24022090 standard_rate
    ],
)
def test_plain_numbers_with_decimal_comma_or_point(raw, rate):
    parsed = parse_rate(raw)
    assert parsed == ParsedRate(raw=raw, status="rate", rate=rate)
    assert parsed.as_json() == {"raw": raw, "status": "rate", "rate": str(rate)}


@pytest.mark.parametrize("raw", ["*", "", "  "])  # 01031000 vn_eaeu; 98041500 acfta
def test_star_and_empty_mean_no_preference(raw):
    assert parse_rate(raw) == ParsedRate(raw=raw, status="none", rate=None)


@pytest.mark.parametrize(
    "raw, rate, excluded",
    [
        ("0 (-KH)", D("0"), ("KH",)),  # 12073000 acfta
        ("0(-KH)", D("0"), ("KH",)),  # 03019322 akfta
        ("0(-ID, MM)", D("0"), ("ID", "MM")),  # 22071000 akfta
        ("0 (-BN,KH,ID,MY,MM,PH,CN)", D("0"), ("BN", "KH", "ID", "MY", "MM", "PH", "CN")),  # 87042247 acfta
        ("45 (-BN, ID, LA, MY, MM, PH, CN)", D("45"), ("BN", "ID", "LA", "MY", "MM", "PH", "CN")),  # 87042124 acfta
        ("0(-MY )", D("0"), ("MY",)),  # 03069321 akfta
        ("0(-KH, MY, PH, )", D("0"), ("KH", "MY", "PH")),  # 19021940 akfta: stray comma
        ("15 (-BN)", D("15"), ("BN",)),  # 84182900 acfta
    ],
)
def test_exclusions_with_or_without_space(raw, rate, excluded):
    parsed = parse_rate(raw)
    assert parsed == ParsedRate(raw=raw, status="rate", rate=rate, excluded=excluded)
    assert parsed.as_json() == {"raw": raw, "status": "rate", "rate": str(rate), "excluded": list(excluded)}


@pytest.mark.parametrize(
    "raw, rate, mexico",
    [
        ("2,7; M: 5,4", D("2.7"), D("5.4")),  # 02031100 cptpp
        ("12,3; M: 15,3", D("12.3"), D("15.3")),  # 02071100 cptpp
        ("4,5; M: 6,8", D("4.5"), D("6.8")),  # 17011200 cptpp
    ],
)
def test_cptpp_mexico_rate(raw, rate, mexico):
    parsed = parse_rate(raw)
    assert parsed == ParsedRate(raw=raw, status="rate", rate=rate, country_rates={"MX": mexico})
    assert parsed.as_json() == {"raw": raw, "status": "rate", "rate": str(rate), "country_rates": {"MX": str(mexico)}}


@pytest.mark.parametrize(
    "raw, rate, alternatives",
    [
        ("1/0", D("1"), (D("1"), D("0"))),  # 03061491 ahkfta
        ("3/0/0", D("3"), (D("3"), D("0"), D("0"))),  # 12116000 vcfta
        ("8/0/0", D("8"), (D("8"), D("0"), D("0"))),  # 12116000 ahkfta
        ("0/16/0/0", D("16"), (D("0"), D("16"), D("0"), D("0"))),  # 40117000 vcfta
        ("1,8/2,5/0/0", D("2.5"), (D("1.8"), D("2.5"), D("0"), D("0"))),  # 40117000 evfta
        ("0/3,7", D("3.7"), (D("0"), D("3.7"))),  # notation of the data README
        ("0/3,7/5", D("5"), (D("0"), D("3.7"), D("5"))),
    ],
)
def test_unstated_alternatives_take_the_higher_rate(raw, rate, alternatives):
    parsed = parse_rate(raw)
    assert (parsed.status, parsed.rate, parsed.alternatives, parsed.excluded) == ("rate", rate, alternatives, ())
    shown = "/".join(str(a) for a in alternatives)
    assert parsed.note == (
        f"alternatives {shown} depend on a condition the source does not state; the higher, {rate}, is taken"
    )
    assert parsed.as_json()["alternatives"] == [str(a) for a in alternatives]


def test_equal_alternatives_say_so():
    parsed = parse_rate("0/0")  # 03039100 vjepa
    assert (parsed.rate, parsed.alternatives) == (D("0"), (D("0"), D("0")))
    assert parsed.note == "alternatives 0/0 depend on a condition the source does not state; they are equal"


@pytest.mark.parametrize(
    "raw, rate, mexico, alternatives",
    [
        ("1,2/0; M: 1,9/0", D("1.2"), D("1.9"), (D("1.2"), D("0"))),  # 15043000 cptpp
        ("0/2,2; M: 0/4,4", D("2.2"), D("4.4"), (D("0"), D("2.2"))),  # 16010010 cptpp
        ("3,6/1,8/0; M: 5,4/2,7/0", D("3.6"), D("5.4"), (D("3.6"), D("1.8"), D("0"))),  # 87082917 cptpp
        ("0/1,8/0/1,8; M: 0/2,7/0/2,7", D("1.8"), D("2.7"), (D("0"), D("1.8"), D("0"), D("1.8"))),  # 87082230 cptpp
        ("28/25; M: 35/30", D("28"), D("35"), (D("28"), D("25"))),
    ],
)
def test_alternatives_per_group_with_mexico(raw, rate, mexico, alternatives):
    parsed = parse_rate(raw)
    assert (parsed.status, parsed.rate, parsed.alternatives) == ("rate", rate, alternatives)
    assert parsed.country_rates == {"MX": mexico}
    assert "Mexico: alternatives" in parsed.note
    assert f"the higher, {mexico}, is taken" in parsed.note


@pytest.mark.parametrize(
    "raw, rate, excluded",
    [
        ("0 (-KH)/5", D("5"), ("KH",)),  # 16010010 acfta
        ("0(-ID, MM)/5", D("5"), ("ID", "MM")),  # 39204310 akfta
        ("0/0(-MY)", D("0"), ("MY",)),  # 03072200 akfta
        ("0(-KH, MY)/0(-LA, KR)", D("0"), ("KH", "MY", "LA", "KR")),  # 12119097 akfta
        ("0 (-ID, MY)/0 (-ID)", D("0"), ("ID", "MY")),  # 40118031 acfta
        ("0 (-KH)/0 (-KH)/0", D("0"), ("KH",)),  # 85249100 acfta
        ("0(-KH, MY)/0(-KH, MY)/0(-LA, KR)", D("0"), ("KH", "MY", "LA", "KR")),  # 12119015 akfta
        ("5 (-TH)/0", D("5"), ("TH",)),
    ],
)
def test_exclusions_of_alternatives_are_united_conservatively(raw, rate, excluded):
    parsed = parse_rate(raw)
    assert (parsed.status, parsed.rate, parsed.excluded) == ("rate", rate, excluded)
    assert parsed.note.endswith(
        f"the alternatives exclude different parties; all of them ({', '.join(excluded)}) are denied this rate, conservatively"
    )


def test_same_exclusion_on_every_alternative_is_not_flagged():
    parsed = parse_rate("0(-KH)/0(-KH)")
    assert parsed.excluded == ("KH",)
    assert "exclude different parties" not in parsed.note


@pytest.mark.parametrize(
    "raw, rate, alternatives",
    [
        ("*/0", D("0"), (D("0"),)),  # 03061491 vifta
        ("0/*", D("0"), (D("0"),)),  # 03072110 vifta
        ("15/*", D("15"), (D("15"),)),  # 16021010 ahkfta
        ("0/*/*", D("0"), (D("0"),)),  # 85249100 vn_eaeu
        ("*/*/5", D("5"), (D("5"),)),  # 87089290 akfta
        ("0/*/0", D("0"), (D("0"), D("0"))),  # 38085290 vn_eaeu
        ("*/*/0/0", D("0"), (D("0"), D("0"))),  # 87082230 vn_eaeu
        ("*/5", D("5"), (D("5"),)),
        ("5/*", D("5"), (D("5"),)),
    ],
)
def test_star_alternative_takes_the_highest_numeric_rate_and_says_so(raw, rate, alternatives):
    parsed = parse_rate(raw)
    assert (parsed.status, parsed.rate, parsed.alternatives) == ("rate", rate, alternatives)
    assert "under one of them there is no preference ('*')" in parsed.note
    assert f"the highest numeric rate, {rate}, is taken" in parsed.note


def test_all_star_alternatives_are_no_preference():
    parsed = parse_rate("*/*")
    assert (parsed.status, parsed.rate) == ("none", None)
    assert parsed.note == "every alternative is '*' (no preference)"


def test_percent_of_mfn_needs_the_mfn_rate():
    assert parse_rate("150% thuế MFN", mfn=D("70")) == ParsedRate(  # 87021060-style line with a 70 % MFN
        raw="150% thuế MFN", status="rate", rate=D("105"), note="150 % of the MFN rate 70"
    )
    assert parse_rate("150% thuế MFN", mfn=D("5.000")).rate == D("7.5")
    assert parse_rate("150% thuế MFN", mfn=D("5.000")).as_json()["rate"] == "7.5"


def test_percent_of_mfn_without_a_numeric_mfn_is_special():
    parsed = parse_rate("150% thuế MFN")  # 87021010 standard_rate, whose MFN is a chapter-98 rule
    assert (parsed.status, parsed.rate) == ("special", None)
    assert parsed.note.startswith("150 % of the MFN rate, which is not a number for this line")


@pytest.mark.parametrize(
    "raw, in_quota, out_of_quota",
    [
        ("40 (NHN: 80)", D("40"), D("80")),  # 04072100 mfn_rate
        ("60 (NHN: 120)", D("60"), D("120")),  # 04072100 standard_rate
        ("0 (NHN: 50)", D("0"), D("50")),  # 17011200 aanzfta
    ],
)
def test_in_quota_rate_takes_the_out_of_quota_rate(raw, in_quota, out_of_quota):
    parsed = parse_rate(raw)
    assert parsed == ParsedRate(
        raw=raw,
        status="rate",
        rate=out_of_quota,
        note=f"in-quota rate {in_quota}, out-of-quota (NHN) rate {out_of_quota}: tariff-quota allocation "
        "is not modelled, so the out-of-quota rate is taken",
    )


def test_q_is_a_quota_preference():
    parsed = parse_rate("Q")  # 04072100 vn_eaeu
    assert parsed == ParsedRate(raw="Q", status="quota", rate=None, note=QUOTA_NOTE)
    assert parsed.as_json() == {"raw": "Q", "status": "quota", "note": "preference subject to a tariff quota (not modelled)"}


@pytest.mark.parametrize(
    "raw, excluded",
    [
        ("0(-MM)(GIC)", ("MM",)),  # 42021211 akfta
        ("0(-KH, MM, MY)(GIC)", ("KH", "MM", "MY")),  # 64041110 akfta
        ("0(-TH)(GIC)", ("TH",)),  # 71171110 akfta
    ],
)
def test_gic_suffix_keeps_the_rate_and_explains_it(raw, excluded):
    parsed = parse_rate(raw)
    assert parsed == ParsedRate(raw=raw, status="rate", rate=D("0"), excluded=excluded, note=GIC_NOTE)
    assert "Gaeseong (Kaesong) Industrial Complex" in parsed.note


@pytest.mark.parametrize(
    "raw",
    [
        "Theo hướng dẫn tại khoản 1.1 Chương 98",  # 87021010 mfn_rate
        "Theo hướng dẫn tại điểm b.5.3 và b.5.4 khoản 2.2 Chương 98",  # 87032113 mfn_rate
        "Theo hướng dẫn tại khoản 1 Chương 98",
    ],
)
def test_chapter_98_rule_is_special(raw):
    assert parse_rate(raw) == ParsedRate(
        raw=raw,
        status="special",
        rate=None,
        note="rate set by a chapter-98 rule of the tariff; it cannot be computed automatically",
    )


@pytest.mark.parametrize(
    "raw",
    ["abc", "5%", "-5", "0 (KH)", "0 (-K1)", "0 (-)", "0//5", "28; X: 35", "28; M: *", "; M: 35", "* (-KH)", "5 6", "1.2.3"],
)
def test_anything_else_is_unparsed_never_zero(raw):
    parsed = parse_rate(raw)
    assert (parsed.status, parsed.rate) == ("unparsed", None)
    assert parsed.note.startswith("unrecognised rate notation")
    assert parsed.as_json() == {"raw": raw, "status": "unparsed", "note": parsed.note}


def test_every_cell_of_the_real_tariff_parses():
    """All columns of all 8-digit rows: nothing unparsed, and the status counts are stable."""
    with open(TARIFF_CSV, encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if len(row["hs_code"]) == 8]
    statuses = Counter()
    for row in rows:
        mfn = parse_rate(row["mfn_rate"])
        statuses["mfn_rate", mfn.status] += 1
        statuses["standard_rate", parse_rate(row["standard_rate"], mfn=mfn.rate).status] += 1
        for column in TARIFF_COLUMNS:
            parsed = parse_rate(row[column])
            statuses["preferential", parsed.status] += 1
            if parsed.status == "rate" and row[column].replace(",", ".").replace(".", "", 1).isdigit():
                assert parsed.rate == Decimal(row[column].replace(",", "."))
    assert len(rows) == 12000
    assert statuses == {
        ("mfn_rate", "rate"): 11736,
        ("mfn_rate", "special"): 264,
        ("standard_rate", "rate"): 11736,
        ("standard_rate", "special"): 264,
        ("preferential", "rate"): 221265,
        ("preferential", "none"): 30718,
        ("preferential", "quota"): 17,
    }


@pytest.mark.parametrize(("language", "note"), [
    ("vi", "các phương án 0/3.7 phụ thuộc một điều kiện mà nguồn không nêu; áp dụng thuế suất cao hơn, 3.7"),
    ("en", "alternatives 0/3.7 depend on a condition the source does not state; the higher, 3.7, is taken"),
])
def test_notes_are_written_in_the_active_language(language, note):
    with translation.override(language):
        assert parse_rate("0/3,7").note == note
        assert rate_note("0/3,7") == note
