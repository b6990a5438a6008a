"""Country, currency, unit, port and customs-office names in the reader's language: the loaded
names (with the corrections to official Vietnamese usage), the reference API with
Accept-Language, the pages and select lists, the PDF, and the per-process reference copies."""
import csv
import gettext
import io

import pycountry
import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from declarations.api.serializers import DeclarationWriteSerializer
from declarations.services.declarations import declaration_create
from declarations.services.pdf import declaration_pdf_render
from reference.cache import reference_copies
from reference.models import Country, Currency, CustomsOffice, Port, Unit
from reference.services import DATA_DIR
from tests.payloads import import_body
from tests.support import client_for

pytestmark = pytest.mark.django_db

# Names that pycountry's Vietnamese catalogue gets wrong or writes in an outdated way, as
# Vietnamese official usage (the Ministry of Foreign Affairs, customs statistics) writes them.
OFFICIAL_VIETNAMESE = {
    "KR": "Hàn Quốc", "KP": "Triều Tiên", "US": "Hoa Kỳ", "GB": "Vương quốc Anh", "TW": "Đài Loan (Trung Quốc)",
    "HK": "Hồng Công (Trung Quốc)", "RU": "Liên bang Nga", "LA": "Lào", "JP": "Nhật Bản", "IN": "Ấn Độ",
    "KH": "Cam-pu-chia", "MM": "Mi-an-ma", "ID": "In-đô-nê-xi-a", "IL": "I-xra-en", "IR": "I-ran",
    "SG": "Xinh-ga-po", "AU": "Ô-xtơ-rây-li-a", "NL": "Hà Lan", "TR": "Thổ Nhĩ Kỳ", "CZ": "Séc",
}


def rows(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


class TestLoadedNames:
    def test_official_vietnamese_country_names_and_iso_english_ones(self):
        countries = Country.objects.in_bulk(OFFICIAL_VIETNAMESE)
        assert {code: country.name_vi for code, country in countries.items()} == OFFICIAL_VIETNAMESE
        assert countries["KR"].name_en == "Korea, Republic of"
        assert countries["US"].name_en == "United States"
        assert Country.objects.get(code="CN").name_vi == "Trung Quốc"  # pycountry's, kept

    def test_every_country_currency_and_unit_has_both_names(self):
        for model in (Country, Currency, Unit):
            assert not model.objects.filter(name_vi="").exists(), model
            assert not model.objects.filter(name_en="").exists(), model
        assert Country.objects.count() == len(pycountry.countries)
        assert Currency.objects.count() == len(pycountry.currencies)

    def test_the_corrections_table_is_applied_and_still_corrects_pycountry(self):
        """Each row of names_vi.csv names pycountry's translation it replaces: after an upgrade of
        pycountry, a row whose translation changed shows here, to be checked again."""
        catalogues = {
            "country": (gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["vi"]), Country,
                        {c.alpha_2: c.name for c in pycountry.countries}),
            "currency": (gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=["vi"]), Currency,
                         {c.alpha_3: c.name for c in pycountry.currencies}),
        }
        corrections = rows("names_vi.csv")
        assert len(corrections) > 300
        for row in corrections:
            catalogue, model, english = catalogues[row["list"]]
            assert catalogue.gettext(english[row["code"]]) == row["pycountry_vi"], row
            assert row["name_vi"] != row["pycountry_vi"], row
            assert model.objects.get(code=row["code"]).name_vi == row["name_vi"], row

    def test_currency_and_unit_names(self):
        names = {c.code: (c.name_vi, c.name_en) for c in Currency.objects.filter(code__in=["USD", "EUR", "CNY", "KRW"])}
        assert names == {"USD": ("Đô la Mỹ", "US Dollar"), "EUR": ("Euro", "Euro"), "CNY": ("Nhân dân tệ", "Yuan Renminbi"),
                         "KRW": ("Won Hàn Quốc", "Won")}
        units = {u.code: (u.name_vi, u.name_en) for u in Unit.objects.filter(code__in=["KGM", "PCE", "SET", "MTK"])}
        assert units == {"KGM": ("kilôgam", "kilogram"), "PCE": ("chiếc (mã cũ; Khuyến nghị 20 nay dùng H87)",
                                                                 "piece (legacy code; Recommendation 20 now uses H87)"),
                         "SET": ("bộ", "set"), "MTK": ("mét vuông", "square metre")}

    def test_vietnamese_places_get_their_vietnamese_name_and_foreign_ports_keep_theirs(self):
        vietnamese = rows("port_names_vi.csv")
        loaded = Port.objects.in_bulk([row["locode"] for row in vietnamese])
        assert len(loaded) == len(vietnamese) > 190
        for row in vietnamese:
            port = loaded[row["locode"]]
            assert (port.country, port.name_en, port.name_vi) == ("VN", row["unlocode_name"], row["name_vi"]), row
        assert not Port.objects.exclude(country="VN").exclude(name_vi=F("name_en")).exists()
        hai_phong = Port.objects.get(locode="VNHPH")
        assert (hai_phong.name_vi, hai_phong.name_en) == ("Hải Phòng", "Haiphong")


class TestReferenceApi:
    @pytest.mark.parametrize(("path", "key", "code", "vi", "en"), [
        ("countries", "code", "KR", "Hàn Quốc", "Korea, Republic of"),
        ("currencies", "code", "USD", "Đô la Mỹ", "US Dollar"),
        ("units", "code", "KGM", "kilôgam", "kilogram"),
        ("ports", "locode", "VNHPH", "Hải Phòng", "Haiphong"),
        ("customs-offices", "code", "02CI", "Chi cục Hải quan cửa khẩu cảng Sài Gòn khu vực I (Cát Lái)",
         "Saigon Port Area I Customs (Cat Lai)"),
    ])
    def test_name_in_the_language_asked_for(self, trader1, api_client_for, path, key, code, vi, en):
        client = api_client_for(trader1)
        for language, expected in (("vi", vi), ("en", en), ("vi-VN,vi;q=0.9", vi), ("en-GB,en;q=0.8", en)):
            response = client.get(f"/api/v1/reference/{path}/", HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            assert "Accept-Language" in response["Vary"]
            row = next(row for row in response.json() if row[key] == code)
            assert (row["name"], row["name_vi"], row["name_en"]) == (expected, vi, en), language

    def test_every_row_names_itself_in_the_language_asked_for(self, trader1, api_client_for):
        client = api_client_for(trader1)
        for path in ("countries", "currencies", "units", "ports", "customs-offices"):
            for language in ("vi", "en"):
                body = client.get(f"/api/v1/reference/{path}/", HTTP_ACCEPT_LANGUAGE=language).json()
                wanted = f"name_{language}"
                assert all(row["name"] == (row[wanted] or row["name_vi"] or row["name_en"]) for row in body), path

    def test_the_existing_fields_are_kept(self, trader1, api_client_for):
        client = api_client_for(trader1)
        country = client.get("/api/v1/reference/countries/").json()[0]
        assert set(country) == {"code", "name", "name_vi", "name_en", "mfn_treatment"}
        port = client.get("/api/v1/reference/ports/").json()[0]
        assert set(port) == {"locode", "name", "name_vi", "name_en", "country", "function", "iata"}


def draft_of(user):
    serializer = DeclarationWriteSerializer(data=import_body(partner={"name": "Busan Trading", "address": "Busan",
                                                                      "country": "KR"}, port_of_loading="KRPUS"))
    serializer.is_valid(raise_exception=True)
    return declaration_create(user=user, data=serializer.validated_data)


class TestPages:
    @pytest.mark.parametrize(("language", "country", "unit", "port", "office"), [
        ("vi", "Hàn Quốc", "kilôgam", "Hải Phòng (VN)", "03CE — Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực III"),
        ("en", "Korea, Republic of", "kilogram", "Haiphong (VN)", "03CE — Hai Phong Port Area III Customs"),
    ])
    def test_the_declaration_form_lists_names_in_the_readers_language(self, trader1, language, country, unit, port,
                                                                      office):
        html = client_for(trader1, language).get(reverse("declarations:create")).content.decode()
        assert f'<option value="KR">{country}</option>' in html
        assert f'<option value="KGM">{unit}</option>' in html
        assert f'<option value="VNHPH">{port}</option>' in html
        assert f">{office}</option>" in html
        agreement = {"vi": "ACFTA — ASEAN – Trung Quốc", "en": "ACFTA — ASEAN–China"}[language]
        assert f">{agreement}</option>" in html

    @pytest.mark.parametrize(("language", "expected", "absent"), [
        ("vi", ["Hàn Quốc", "Hải Phòng", "Busan", "Trung Quốc"], ["Korea, Republic of", "Haiphong"]),
        ("en", ["Korea, Republic of", "Haiphong", "Busan", "China"], ["Hàn Quốc", "Hải Phòng"]),
    ])
    def test_the_detail_page_names_country_ports_and_origin_in_the_readers_language(self, trader1, language, expected,
                                                                                    absent):
        draft = draft_of(trader1)
        html = client_for(trader1, language).get(reverse("declarations:detail", args=[draft.pk])).content.decode()
        for text in expected:
            assert text in html, text
        for text in absent:
            assert text not in html, text
        unit = {"vi": "kilôgam", "en": "kilogram"}[language]
        assert f'<abbr title="{unit}">KGM</abbr>' in html

    def test_the_pdf_gives_the_vietnamese_name_and_the_english_one(self, trader1):
        draft = draft_of(trader1)
        with translation.override("en"):
            content = declaration_pdf_render(declaration=draft)
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
        assert "KR Hàn Quốc Korea, Republic of" in text
        assert "VNHPH Hải Phòng Haiphong" in text
        assert "KRPUS Busan" in text and "Busan Busan" not in text
        assert "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực III" in text


class TestReferenceCopies:
    def test_a_copied_row_names_itself_in_each_readers_language(self):
        row = reference_copies().row(Country, "KR")
        with translation.override("vi"):
            assert row.name == "Hàn Quốc"
        with translation.override("en"):
            assert row.name == "Korea, Republic of"
        assert reference_copies().row(Country, "KR") is row  # the same copy serves both languages

    def test_a_renamed_row_is_read_again(self):
        before = reference_copies().row(CustomsOffice, "03CE")
        CustomsOffice.objects.filter(code="03CE").update(name_vi="Chi cục Hải quan khu vực III (Hải Phòng)")
        after = reference_copies().row(CustomsOffice, "03CE")
        assert after is not before
        with translation.override("vi"):
            assert after.name == "Chi cục Hải quan khu vực III (Hải Phòng)"
