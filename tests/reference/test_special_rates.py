"""The chapter-98 references of the tariff, parsed and said in the reader's language (reference/special_rates.py)."""
import pytest
from django.utils import translation

from reference.special_rates import (
    SpecialRule,
    special_rule_explanation,
    special_rule_parse,
    special_rule_reference,
)


@pytest.mark.parametrize(
    ("source", "paragraph", "points"),
    [
        ("Theo hướng dẫn tại khoản 1.1 Chương 98", "1.1", ()),  # 87021010, the CKD kits of 87.02–87.04
        ("Theo hướng dẫn tại điểm b.5.3 và b.5.4 khoản 2.2 Chương 98", "2.2", ("b.5.3", "b.5.4")),  # 87032113
        ("Theo hướng dẫn tại  khoản 1 Chương 98", "1", ()),
        ("Theo hướng dẫn tại điểm a, b và c khoản 3 Chương 98", "3", ("a", "b", "c")),
    ],
)
def test_references_are_parsed(source, paragraph, points):
    rule = special_rule_parse(source)
    assert (rule.paragraph, rule.points) == (paragraph, points)
    assert rule.source == " ".join(source.split())


@pytest.mark.parametrize(
    ("rule", "english", "vietnamese"),
    [
        (SpecialRule("…", "1.1"), "paragraph 1.1 of chapter 98 of the tariff", "khoản 1.1 Chương 98 của Biểu thuế"),
        (SpecialRule("…", "2.2", ("b.5.3",)), "point b.5.3 of paragraph 2.2 of chapter 98 of the tariff",
         "điểm b.5.3 khoản 2.2 Chương 98 của Biểu thuế"),
        (SpecialRule("…", "2.2", ("b.5.3", "b.5.4")), "points b.5.3 and b.5.4 of paragraph 2.2 of chapter 98 of the tariff",
         "điểm b.5.3 và b.5.4 khoản 2.2 Chương 98 của Biểu thuế"),
        (SpecialRule("Theo quy định riêng"), "“Theo quy định riêng” in the tariff", "“Theo quy định riêng” trong Biểu thuế"),
    ],
)
def test_the_reference_reads_in_each_language(rule, english, vietnamese):
    with translation.override("en"):
        assert special_rule_reference(rule) == english
    with translation.override("vi"):
        assert special_rule_reference(rule) == vietnamese


def test_the_explanation_does_not_mix_languages():
    rule = special_rule_parse("Theo hướng dẫn tại khoản 1.1 Chương 98")
    with translation.override("vi"):
        text = special_rule_explanation(rule)
    assert text.startswith("Thuế nhập khẩu của dòng hàng này do quy định riêng (khoản 1.1 Chương 98 của Biểu thuế)")
    assert "officer" not in text and "rule" not in text
    with translation.override("en"):
        text = special_rule_explanation(rule)
    assert "Chương" not in text and "công chức" not in text
