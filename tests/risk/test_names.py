"""`partner_name_key`: the one normalisation of partner names, for listing and for matching."""
import pytest

from risk.names import KEY_MAX, partner_name_key


@pytest.mark.parametrize(
    "variant",
    [
        "Harbor Lantern Trading Ltd",
        "HARBOR LANTERN TRADING LTD",  # case
        "Harbor  Lantern   Trading Ltd",  # double spaces
        " Harbor Lantern Trading Ltd. ",  # a trailing full stop, spaces around
        "Harbor Lant\u0435rn Trading Ltd",  # a Cyrillic "е"
        "H\u0430rb\u043er L\u0430ntern Tr\u0430ding Ltd",  # Cyrillic "а" and "о"
        "\u0397arbor Lantern Trading Ltd",  # a Greek capital eta for the "H"
        "Ｈａｒｂｏｒ Ｌａｎｔｅｒｎ Ｔｒａｄｉｎｇ Ｌｔｄ",  # full-width letters (NFKC)
        "Harbor Lantern Trading Co., Ltd",
        "Harbor Lantern Trading Company Limited",
        "Harbor Lantern Trading Limited",
        "Harbor-Lantern Trading, LLC",
        "Harbor Lantern Trading Pte. Ltd.",
        "Harbor Lantern Trading Inc.",
        "Harbor Lantern Trading Corp",
        "Harbor Lantern Trading GmbH",
        "Harbor Lantern Trading JSC",
        "Harbor Lantern Trading Joint Stock Company",
        "Harbor Lantern Trading Sdn. Bhd.",
        "HarborLantern Trading",  # spaces between words do not tell names apart
        "Hárbör Lantern Trading Ltd",  # diacritics
    ],
)
def test_the_ways_of_writing_one_name_give_one_key(variant):
    assert partner_name_key(variant) == "harborlanterntrading"


@pytest.mark.parametrize(
    "name, key",
    [
        ("Công ty TNHH Thương mại Hòa Phát", "thuongmaihoaphat"),
        ("CONG TY TNHH THUONG MAI HOA PHAT", "thuongmaihoaphat"),  # without the diacritics
        ("Công ty TNHH MTV Thương mại Hòa Phát", "thuongmaihoaphat"),
        ("Công ty trách nhiệm hữu hạn một thành viên Thương mại Hòa Phát", "thuongmaihoaphat"),
        ("Cty TNHH Thương Mại Hoà Phát", "thuongmaihoaphat"),  # "oà" written with the other accent placement
        ("Công ty Cổ phần Sữa Việt Nam", "suavietnam"),
        ("CTCP Sữa Việt Nam", "suavietnam"),
        ("Công ty CP Sữa Việt Nam", "suavietnam"),
        ("Sữa Việt Nam JSC", "suavietnam"),
        ("Đại Dương Logistics", "daiduonglogistics"),  # "đ" is a "d"
        ("Müller GmbH & Co. KG", "muller"),
        ("Smith & Sons", "smithandsons"),
        ("Smith and Sons Ltd", "smithandsons"),
        ("Maersk A/S", "maersk"),
        ("Straße Handels AG", "strassehandels"),
        ("A.C.M.E. Trading", "acmetrading"),
    ],
)
def test_vietnamese_and_other_legal_forms_and_diacritics(name, key):
    assert partner_name_key(name) == key


def test_different_names_keep_different_keys():
    keys = {partner_name_key(name) for name in (
        "Harbor Lantern Trading", "Harbor Lantern Logistics", "Harbour Lantern Trading", "Harbor Lantern Trading 2",
        "Harbor Lantern Tradinq", "0cean Star", "Ocean Star")}
    assert len(keys) == 7  # ASCII look-alikes ("0"/"O", "q"/"g") are for the similarity match, not the key


def test_legal_forms_only_go_from_the_ends_and_never_leave_nothing():
    assert partner_name_key("Company Limited") == "company"
    assert partner_name_key("Ltd") == "ltd"
    assert partner_name_key("Công ty TNHH") == "tnhh"
    assert partner_name_key("MTV Networks") == "mtvnetworks"  # "MTV" is a legal form only after "TNHH"
    assert partner_name_key("Limited Editions Co") == "limitededitions"


def test_scripts_without_latin_look_alikes_are_kept():
    assert partner_name_key("深圳市华为技术有限公司") == "深圳市华为技术有限公司"
    # Cyrillic "О" and "у" look like "O" and "y"; "Ж" and "к" look like no Latin letter.
    assert partner_name_key("ООО Жук") == "ooo\u0436y\u043a"


def test_a_name_without_letters_keys_as_itself_and_keys_are_bounded():
    assert partner_name_key("...") == "..."
    assert partner_name_key("") == ""
    assert len(partner_name_key("ﷺ" * 200)) == KEY_MAX  # NFKC makes 18 letters of each
