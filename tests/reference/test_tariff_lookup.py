"""The tariff look-up (reference/selectors/tariff_lookup.py) through the API and the form's look-up, on the full tariff.

Found in use (issue 13): the many "- - - Loại khác" lines and identical texts ("trên 1.800 cc…")
could not be told apart, "o to cho nguoi" found nothing, tyres came before cars for "ô tô",
results were cut at 20 without saying so, and chapter-98 lines were the first car lines offered.
"""
import pytest
from django.urls import reverse

from reference.search_text import search_fold
from reference.selectors.tariff_lookup import tariff_search

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/reference/hs-codes/"
SEARCH_URL = "/api/v1/reference/hs-codes/search/"
LOOKUP_URL = reverse("declarations:hs-lookup")

CAR_HEADING_VI = ("Ô tô và các loại xe khác có động cơ được thiết kế chủ yếu để chở người (trừ các loại thuộc nhóm "
                  "87.02), kể cả ô tô chở người có khoang hành lý chung (station wagons) và ô tô đua")
CAR_HEADING_EN = ("Motor cars and other motor vehicles principally designed for the transport of persons (other than "
                  "those of heading 87.02), including station wagons and racing cars")


@pytest.fixture
def api(api_client_for, trader1):
    def get(url, q, language="vi"):
        return api_client_for(trader1).get(url, {"q": q}, HTTP_ACCEPT_LANGUAGE=language)
    return get


def codes(response) -> list[str]:
    body = response.json()
    return [line["hs_code"] for line in (body["results"] if isinstance(body, dict) else body)]


def test_folding_drops_diacritics_and_digit_grouping():
    assert search_fold("Ô tô CHỞ người, trên 1.800 cc; Đường") == "o to cho nguoi tren 1800 cc duong"
    assert search_fold("1,000 cc — xe đạp") == "1000 cc xe dap"


class TestParents:
    def test_each_line_carries_its_headings_outermost_first(self, api):
        line = api(SEARCH_URL, "87032356").json()["results"][0]
        assert line["description"] == "Dung tích xi lanh trên 1.800 cc nhưng không quá 2.000 cc"
        assert line["parents"] == [
            {"code": "8703", "description": CAR_HEADING_VI},
            {"code": "", "description": "Loại xe khác, chỉ sử dụng động cơ đốt trong kiểu piston đốt cháy bằng tia lửa điện"},
            {"code": "870323", "description": "Dung tích xilanh trên 1.500 cc nhưng không quá 3.000 cc"},
            {"code": "", "description": "Loại khác"},
            {"code": "", "description": "Ô tô kiểu Sedan (SEN) (1)"},
        ]

    def test_identical_texts_are_told_apart_by_their_headings(self, api):
        ckd, sedan, other = (api(SEARCH_URL, code).json()["results"][0] for code in ("87032322", "87032356", "87032362"))
        assert ckd["description"] == sedan["description"] == other["description"]
        assert [parent["description"] for parent in ckd["parents"]][3:] == ["Dạng CKD (SEN)", "Ô tô kiểu Sedan (SEN) (1)"]
        assert [parent["description"] for parent in sedan["parents"]][3:] == ["Loại khác", "Ô tô kiểu Sedan (SEN) (1)"]
        assert other["parents"][4]["description"].startswith("Ô tô khác (kể cả ô tô chở người có khoang chở hành lý chung")

    def test_in_english_the_headings_and_description_are_english(self, api):
        line = api(LIST_URL, "87032356", language="en").json()[0]
        assert line["description"] == "Of a cylinder capacity exceeding 1,800 cc but not exceeding 2,000 cc"
        assert [parent["description"] for parent in line["parents"]] == [
            CAR_HEADING_EN, "Other vehicles, with only spark-ignition internal combustion piston engine",
            "Of a cylinder capacity exceeding 1,500 cc but not exceeding 3,000 cc", "Other", "Sedan"]
        # Both descriptions stay, as before.
        assert line["description_vi"] == "- - - - - Dung tích xi lanh trên 1.800 cc nhưng không quá 2.000 cc"

    def test_a_line_the_tariff_gives_no_english_falls_back_to_vietnamese(self, api):
        line = api(SEARCH_URL, "98050000", language="en").json()["results"][0]
        assert (line["description"], line["parents"]) == ("Quả và hạt có dầu để làm giống.", [])


class TestRanking:
    def test_cars_come_before_tyres_for_o_to(self, api):
        found = codes(api(SEARCH_URL, "ô tô"))
        assert len(found) == 20
        assert all(code.startswith("8703") for code in found[:10]), found
        assert not any(code.startswith("4011") for code in found)

    def test_words_match_without_diacritics(self, api):
        with_marks = codes(api(SEARCH_URL, "ô tô chở người"))
        without = codes(api(SEARCH_URL, "o to cho nguoi"))
        assert with_marks == without
        assert without[0].startswith("8703")

    def test_d_with_stroke_folds_to_d(self, api):
        assert codes(api(SEARCH_URL, "xe dap"))[:3] == ["87120010", "87120020", "87120030"]  # Xe đạp …

    def test_heading_words_count(self, api):
        # "Loại khác" under "Ô tô kiểu Sedan" has none of the words itself: its headings do.
        found = tariff_search(q="o to sedan 2000", limit=50).lines
        assert "87032356" in [line.hs_code for line in found]
        assert found[0].hs_code.startswith("8703")

    def test_all_words_must_match(self, api):
        assert codes(api(SEARCH_URL, "laptop zzqqxx")) == []

    def test_whole_words_before_prefixes(self, api):
        found = codes(api(SEARCH_URL, "car", language="en"))
        # "motor car" (tyres of heading 40.11) is the word; "carbonat", "carrots" only start with it.
        assert found[0] == "40111000"
        carbonates = [index for index, code in enumerate(found) if code.startswith("2836")]
        assert not carbonates or min(carbonates) > found.index("40111000")

    def test_a_word_can_be_part_of_a_longer_one_after_the_whole_words(self, api):
        found = tariff_search(q="notebook", limit=20).lines
        assert [line.hs_code for line in found][:3] == ["84713020", "85076031", "85078020"]

    def test_code_prefix_lists_lines_in_code_order_special_rules_last(self, api):
        found = codes(api(SEARCH_URL, "8703.23"))
        assert all(code.startswith("870323") for code in found)
        assert found[:4] == ["87032351", "87032352", "87032353", "87032354"]
        # The chapter-98 (CKD) lines 87032311… come after every line with a rate.
        assert "87032311" not in found

    def test_code_digits_inside_words_rank_first(self, api):
        found = codes(api(SEARCH_URL, "8703 sedan"))
        assert found and all(code.startswith("8703") for code in found[:10])


class TestTruncated:
    def test_the_envelope_says_when_results_are_cut(self, api):
        body = api(SEARCH_URL, "8703").json()
        assert (len(body["results"]), body["truncated"], body["limit"]) == (20, True, 20)
        body = api(SEARCH_URL, "8703.23.2").json()
        assert ([line["hs_code"] for line in body["results"]], body["truncated"]) == (
            ["87032321", "87032322", "87032323", "87032324"], False)

    def test_the_list_keeps_its_shape_and_says_it_in_a_header(self, api):
        response = api(LIST_URL, "8703")
        assert isinstance(response.json(), list) and len(response.json()) == 20
        assert response["X-Results-Truncated"] == "true"
        response = api(LIST_URL, "87032356")
        assert (len(response.json()), response["X-Results-Truncated"]) == (1, "false")

    def test_nothing_to_search_answers_an_empty_list(self, api):
        for q in ("", "  ", "-- !!", "zzseg"):
            assert api(SEARCH_URL, q).json() == {"results": [], "truncated": False, "limit": 20}


class TestSpecialRule:
    def test_a_chapter_98_line_says_its_rule_in_the_users_language(self, api):
        vi = api(SEARCH_URL, "87032321").json()["results"][0]["special_rule"]
        assert vi["source"] == "Theo hướng dẫn tại khoản 1.1 Chương 98"
        assert vi["reference"] == "khoản 1.1 Chương 98 của Biểu thuế"
        assert "Công chức hải quan sẽ xác định sau khi tờ khai được đăng ký" in vi["explanation"]
        en = api(SEARCH_URL, "87032311", language="en").json()["results"][0]["special_rule"]
        assert en["reference"] == "points b.5.3 and b.5.4 of paragraph 2.2 of chapter 98 of the tariff"
        assert en["explanation"].startswith("The import duty of this line is set by a special rule (points b.5.3")

    def test_a_line_with_a_rate_has_none(self, api):
        assert api(SEARCH_URL, "87032356").json()["results"][0]["special_rule"] is None


class TestFormLookup:
    def get(self, user, q, language):
        from django.test import Client

        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        return client.get(LOOKUP_URL, {"q": q}).content.decode()

    def test_results_show_their_headings(self, trader1):
        html = self.get(trader1, "87032356", "vi")
        assert "data-hs-parents" in html
        assert "<span class=\"font-monospace\">87.03</span> Ô tô và các loại xe khác" in html
        assert "<span class=\"font-monospace\">8703.23</span> Dung tích xilanh trên 1.500 cc" in html
        assert "Ô tô kiểu Sedan (SEN) (1)" in html

    def test_the_page_says_how_to_narrow_a_cut_list(self, trader1):
        html = self.get(trader1, "8703", "en")
        assert "The first 12 matching tariff lines" in html
        assert "More lines start with “8703”: type more digits of the code (e.g. 8703.23) to narrow the list." in html
        html = self.get(trader1, "ô tô", "vi")
        assert "data-hs-truncated" in html and "thêm một từ" in html
        assert "data-hs-truncated" not in self.get(trader1, "87032356", "vi")

    def test_a_special_rule_line_says_so_in_english(self, trader1):
        html = self.get(trader1, "87032321", "en")
        assert "data-hs-special-chip" in html and ">Special rule<" in html
        assert "⚖ Special rule: paragraph 1.1 of chapter 98 of the tariff · To be assessed by an officer</span>" in html
        assert 'title="The import duty of this line is set by a special rule (paragraph 1.1 of chapter 98 of the tariff)' in html
        assert "Of a cylinder capacity exceeding 1,500 cc but not exceeding 1,800 cc" in html
        assert "Completely Knocked Down" in html
