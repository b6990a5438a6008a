import time
import pytest
from declarations.models import Declaration
from declarations.services.pdf import declaration_pdf_render
from tests.declarations.test_pdf import vietnamese_body
from tests.risk.test_assessment import registered

pytestmark = pytest.mark.django_db

def test_dump(trader1):
    from declarations.services.declarations import declaration_create
    from tests.risk.test_assessment import parsed
    for count, name in ((3, "small"), (50, "fifty")):
        d = registered(trader1, vietnamese_body(count))
        Declaration.objects.filter(pk=d.pk).update(status="cleared", channel="yellow")
        d = Declaration.objects.select_related("enterprise","customs_office","created_by","partner_country","port_of_loading","port_of_discharge").prefetch_related("items").get(pk=d.pk)
        times = []
        for _ in range(3):
            t = time.perf_counter(); pdf = declaration_pdf_render(declaration=d); times.append(time.perf_counter() - t)
        print(name, [round(x, 3) for x in times], len(pdf))
        open(f"/tmp/decl-{name}.pdf", "wb").write(pdf)
    draft = declaration_create(user=trader1, data=parsed(vietnamese_body(3)))
    open("/tmp/decl-draft.pdf", "wb").write(declaration_pdf_render(declaration=draft))

def test_profile(trader1):
    import cProfile, pstats
    d = registered(trader1, vietnamese_body(50))
    d = Declaration.objects.select_related("enterprise","customs_office","created_by","partner_country","port_of_loading","port_of_discharge").prefetch_related("items").get(pk=d.pk)
    declaration_pdf_render(declaration=d)
    pr = cProfile.Profile(); pr.enable(); declaration_pdf_render(declaration=d); pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
