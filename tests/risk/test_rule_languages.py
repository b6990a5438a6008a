"""Risk rules keep their name and description in Vietnamese and English: the seeded rules, the
rule list and detail pages, the rule form, the officer's review page and queue, backtests, the
API, and the migration that spread the texts of existing rules over the two languages."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from customs_portal.errors import DomainValidationError
from risk.models import RiskRule, RiskRuleVersion
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_start
from risk.services.defaults import DEFAULT_RULES, risk_defaults_seed
from risk.services.rules import risk_rule_create, risk_rule_update
from tests.factories import cigarettes_body, random_selection_off, registered
from tests.support import client_for

pytestmark = pytest.mark.django_db

TOBACCO_VI, TOBACCO_EN = "Sản phẩm thuốc lá", "Tobacco products"
TOBACCO_DESCRIPTION_VI = "Thuốc lá điếu, xì gà và các loại thuốc lá khác (HS 2402): kiểm tra thực tế hàng hóa."
TOBACCO_DESCRIPTION_EN = "Cigarettes, cigars and other tobacco (HS 2402): physical inspection."
CONDITIONS = [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]


@pytest.fixture
def seeded(db):

    random_selection_off()
    risk_defaults_seed()
    return RiskRule.objects.get(current__name_en=TOBACCO_EN)


@pytest.fixture
def red_cigarettes(seeded, trader1):
    declaration = registered(trader1, cigarettes_body())
    risk_assess(declaration_id=declaration.pk)
    return declaration


class TestSeededRules:
    def test_every_default_rule_gives_both_languages(self):
        for rule in DEFAULT_RULES:
            texts = [rule.get(key, "") for key in ("name_vi", "name_en", "description_vi", "description_en")]
            assert all(texts) and rule["name_vi"] != rule["name_en"], rule

    def test_the_seed_stores_both_and_runs_once(self, seeded):
        version = seeded.current
        assert (version.name_vi, version.name_en, version.description_vi, version.description_en) == (
            TOBACCO_VI, TOBACCO_EN, TOBACCO_DESCRIPTION_VI, TOBACCO_DESCRIPTION_EN)
        risk_defaults_seed()
        assert RiskRule.objects.count() == len(DEFAULT_RULES)
        assert RiskRuleVersion.objects.filter(name_vi="").count() == 0

    def test_a_rule_reads_in_the_readers_language(self, seeded):
        with translation.override("vi"):
            assert (seeded.current.name, seeded.current.description) == (TOBACCO_VI, TOBACCO_DESCRIPTION_VI)
        with translation.override("en"):
            assert (seeded.current.name, seeded.current.description) == (TOBACCO_EN, TOBACCO_DESCRIPTION_EN)

    def test_the_assessment_records_both_names(self, red_cigarettes):
        fired = red_cigarettes.assessments.get().fired_rules
        tobacco = next(rule for rule in fired if rule["name_en"] == TOBACCO_EN)
        assert tobacco["name"] == TOBACCO_VI


class TestOneLanguageOnly:
    def test_a_rule_named_in_one_language_shows_that_name_in_both(self, risk_admin):
        rule = risk_rule_create(user=risk_admin, data={"name_vi": "Xì gà", "conditions": CONDITIONS})
        for language in ("vi", "en"):
            with translation.override(language):
                assert rule.current.name == "Xì gà"

    def test_name_gives_the_text_of_the_active_language(self, risk_admin):
        with translation.override("vi"):
            rule = risk_rule_create(user=risk_admin, data={"name": "Xì gà", "description": "Kiểm tra thực tế.",
                                                            "conditions": CONDITIONS})
        with translation.override("en"):
            rule = risk_rule_update(rule=rule, user=risk_admin, data={"name": "Cigars"})
        current = rule.current
        assert (current.name_vi, current.name_en, current.description_vi, current.description_en) == (
            "Xì gà", "Cigars", "Kiểm tra thực tế.", "")

    def test_a_rule_without_a_name_is_refused_in_the_readers_language(self, risk_admin):
        with translation.override("vi"):
            with pytest.raises(DomainValidationError) as refused:
                risk_rule_create(user=risk_admin, data={"name_vi": " ", "name_en": "", "conditions": CONDITIONS})
        assert refused.value.errors == {"name": ["Hãy đặt tên cho quy tắc, bằng tiếng Việt hoặc tiếng Anh."]}
        assert not RiskRule.objects.exists()


class TestPages:
    @pytest.mark.parametrize(("language", "name", "description", "absent"), [
        ("vi", TOBACCO_VI, TOBACCO_DESCRIPTION_VI, TOBACCO_EN),
        ("en", TOBACCO_EN, TOBACCO_DESCRIPTION_EN, TOBACCO_VI),
    ])
    def test_rule_list_and_detail(self, seeded, risk_admin, language, name, description, absent):
        client = client_for(risk_admin, language)
        listing = client.get(reverse("risk:rule-list")).content.decode()
        assert name in listing and absent not in listing
        detail = client.get(reverse("risk:rule-detail", args=[seeded.pk])).content.decode()
        assert f"<h1 class=\"h3 mb-2\">{name}</h1>" in detail and description in detail and absent not in detail

    @pytest.mark.parametrize("q", ["thuốc lá", "TOBACCO"])
    def test_the_rule_list_finds_a_rule_by_either_name(self, seeded, risk_admin, q):
        response = client_for(risk_admin, "vi").get(reverse("risk:rule-list"), {"q": q})
        assert [rule.pk for rule in response.context["rules"]] == [seeded.pk]

    @pytest.mark.parametrize(("language", "name", "description", "absent"), [
        ("vi", TOBACCO_VI, TOBACCO_DESCRIPTION_VI, TOBACCO_EN),
        ("en", TOBACCO_EN, TOBACCO_DESCRIPTION_EN, TOBACCO_VI),
    ])
    def test_review_page_and_queue(self, red_cigarettes, officer, language, name, description, absent):
        client = client_for(officer, language)
        review = client.get(reverse("declarations:review", args=[red_cigarettes.pk])).content.decode()
        assert name in review and description in review and absent not in review
        queue = client.get(reverse("declarations:review-queue")).content.decode()
        assert f'<span class="rule-chip">{name}</span>' in queue and absent not in queue

    def test_the_form_takes_both_languages_and_shows_them_when_editing(self, risk_admin):
        client = client_for(risk_admin, "vi")
        response = client.post(reverse("risk:rule-create"), {
            "name_vi": "Xì gà", "name_en": "Cigars", "description_vi": "Kiểm tra thực tế.", "description_en": "Inspect.",
            "score": "40", "min_channel": "red", "change_note": "",
            "cond-0-field": "items.hs_code", "cond-0-op": "startswith", "cond-0-value": "2402",
        })
        assert response.status_code == 302
        version = RiskRule.objects.get().current
        assert (version.name_vi, version.name_en, version.description_vi, version.description_en) == (
            "Xì gà", "Cigars", "Kiểm tra thực tế.", "Inspect.")
        form = client.get(reverse("risk:rule-edit", args=[version.rule_id])).content.decode()
        assert 'name="name_vi"' in form and 'value="Xì gà"' in form and 'value="Cigars"' in form

    def test_the_form_asks_for_a_name_next_to_the_readers_language(self, risk_admin):
        response = client_for(risk_admin, "vi").post(reverse("risk:rule-create"), {
            "name_vi": "", "name_en": "", "score": "40", "min_channel": "", "change_note": "",
            "cond-0-field": "items.hs_code", "cond-0-op": "startswith", "cond-0-value": "2402",
        })
        assert response.context["form"].errors == {"name_vi": ["Hãy đặt tên cho quy tắc, bằng tiếng Việt hoặc tiếng Anh."]}

    @pytest.mark.parametrize(("language", "name"), [("vi", TOBACCO_VI), ("en", TOBACCO_EN)])
    def test_a_backtest_names_the_rules_in_the_readers_language(self, red_cigarettes, seeded, risk_admin, language,
                                                                name):
        today = timezone.localdate()
        run = backtest_start(user=risk_admin, rules=[seeded.pk], date_from=today, date_to=today)
        backtest_execute(run_id=run.pk)
        response = client_for(risk_admin, language).get(reverse("risk:backtest-run", args=[run.pk]))
        assert response.context["report"]["fired"] == [{"name": f"{name} (v1)", "count": 1, "pct": 100.0}]
        assert [rule["label"] for rule in response.context["run"].rules] == [f"{name} (v1)"]
        assert f"{name} (v1)</a>" in response.content.decode()  # never "rule 12 v1"
        assert f"rule {seeded.pk} v1" not in response.content.decode()


class TestApi:
    @pytest.mark.parametrize(("language", "name", "description"), [
        ("vi", TOBACCO_VI, TOBACCO_DESCRIPTION_VI), ("en", TOBACCO_EN, TOBACCO_DESCRIPTION_EN)])
    def test_rules_and_fired_rules_in_the_language_asked_for(self, red_cigarettes, seeded, risk_admin, officer,
                                                             api_client_for, language, name, description):
        rule = api_client_for(risk_admin).get(f"/api/v1/risk/rules/{seeded.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
        assert (rule["name"], rule["description"]) == (name, description)
        assert (rule["name_vi"], rule["name_en"]) == (TOBACCO_VI, TOBACCO_EN)
        assert rule["versions"][0]["name"] == name
        declaration = api_client_for(officer).get(f"/api/v1/declarations/{red_cigarettes.pk}/",
                                                  HTTP_ACCEPT_LANGUAGE=language).json()
        assert name in [fired["name"] for fired in declaration["risk"]["fired_rules"]]

    def test_a_rule_is_created_with_both_names_or_with_name_in_the_request_language(self, risk_admin, api_client_for):
        client = api_client_for(risk_admin)
        both = client.post("/api/v1/risk/rules/", {"name_vi": "Xì gà", "name_en": "Cigars", "conditions": CONDITIONS},
                           format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert both.status_code == 201 and (both.json()["name"], both.json()["name_vi"]) == ("Cigars", "Xì gà")
        vietnamese = client.post("/api/v1/risk/rules/", {"name": "Rượu", "conditions": CONDITIONS}, format="json",
                                 HTTP_ACCEPT_LANGUAGE="vi")
        assert vietnamese.status_code == 201
        assert (vietnamese.json()["name_vi"], vietnamese.json()["name_en"], vietnamese.json()["name"]) == ("Rượu", "", "Rượu")
        nameless = client.post("/api/v1/risk/rules/", {"conditions": CONDITIONS}, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert nameless.status_code == 400
        assert nameless.json()["name"] == ["Give the rule a name, in Vietnamese or in English."]


def test_the_migration_gives_seeded_rules_both_languages_and_keeps_other_texts(risk_admin):
    """Migrating risk back to 0002 and forward again: a seeded rule gets its Vietnamese text beside
    the English one; a rule an admin wrote keeps its text as its Vietnamese one."""
    with connection.cursor() as cursor:
        # Going back also unapplies later migrations that alter accounts_user (accounts 0005), whose
        # rows the fixtures just wrote: no pending foreign-key checks before those ALTER TABLEs either.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([("risk", "0002_backtest")])
    old_apps = executor.loader.project_state([("risk", "0002_backtest")]).apps
    OldRule, OldVersion = old_apps.get_model("risk", "RiskRule"), old_apps.get_model("risk", "RiskRuleVersion")
    for name, description in ((TOBACCO_EN, TOBACCO_DESCRIPTION_EN), ("Kiểm tra xì gà", "Xì gà Cuba")):
        rule = OldRule.objects.create()
        OldVersion.objects.create(rule=rule, version=1, name=name, description=description, conditions=CONDITIONS)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks before the ALTER TABLEs

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    texts = list(RiskRuleVersion.objects.order_by("id").values_list("name_vi", "name_en", "description_vi", "description_en"))
    assert texts == [(TOBACCO_VI, TOBACCO_EN, TOBACCO_DESCRIPTION_VI, TOBACCO_DESCRIPTION_EN),
                     ("Kiểm tra xì gà", "", "Xì gà Cuba", "")]
