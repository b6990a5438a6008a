"""Declarations of one office assessed at the same moment, on separate connections in real
threads: each waits for the office's assignment lock, sees the others' assignments, and the work
is shared fairly; none is left unassigned.

The threads must see what the test made, so these tests commit, as a TransactionTestCase does,
but without its flush of every table (which would drop the reference data the session loaded once,
tests/conftest.py): what they make is made on connections of their own (`on_own_connection`), and
`committed_db` notes the last id of every table before and deletes what was added after, with
triggers off (the audit trail is append-only for the portal, not for the test's cleanup)."""
import threading

import pytest
from django.db import connection, transaction

from customs_portal.accounts.models import Role
from declarations.models import Declaration
from declarations.services.assignment import declaration_assign_on_entry
from reference.models import CustomsOffice
from risk.models import ClassSelectivity
from risk.services.assessment import risk_assess
from risk.services.defaults import risk_defaults_seed
from tests.factories import UserFactory, class_caps_off, random_selection_off, registered, trader2_create
from tests.payloads import plain_import_body
from tests.support import on_own_connection, rows_added_delete, table_id_marks

OFFICE = "03CE"


pytestmark = pytest.mark.django_db  # the session's test database; what the tests make is on connections of their own


def _class_rows_restore(rows: list[dict]) -> None:
    """The caps per class as they were (the rows predate the marks: updated, not added)."""
    for row in rows:
        ClassSelectivity.objects.filter(pk=row["id"]).update(**{k: v for k, v in row.items() if k != "id"})


@pytest.fixture
def committed_db():
    marks = on_own_connection(table_id_marks)
    classes = on_own_connection(lambda: list(ClassSelectivity.objects.values()))
    yield
    on_own_connection(lambda: rows_added_delete(marks))
    on_own_connection(lambda: _class_rows_restore(classes))


def _office_staff():
    risk_defaults_seed()
    random_selection_off()
    class_caps_off()  # every declaration yellow, whatever the class's share
    office = CustomsOffice.objects.get(pk=OFFICE)
    officers = [UserFactory(username=f"officer-{n}", role=Role.OFFICER, offices=[office]) for n in range(3)]
    return officers, trader2_create()


@pytest.fixture
def office_staff(committed_db):
    return on_own_connection(_office_staff)


def in_threads(target, arguments) -> list:
    """Run target(argument) for each argument at once, each in its own thread and connection."""
    barrier = threading.Barrier(len(arguments))
    errors = []

    def run(argument):
        try:
            barrier.wait()
            target(argument)
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_simultaneous_assessments_share_the_work_fairly(office_staff):
    officers, trader = office_staff
    declarations = on_own_connection(lambda: [registered(trader, plain_import_body()) for _ in range(6)])
    errors = in_threads(lambda declaration_id: risk_assess(declaration_id=declaration_id), [d.pk for d in declarations])
    assert errors == []
    assigned = list(Declaration.objects.filter(pk__in=[d.pk for d in declarations]).values_list("status", "assigned_to"))
    assert {status for status, _ in assigned} == {"under_review"}
    load = {officer.pk: [officer_id for _, officer_id in assigned].count(officer.pk) for officer in officers}
    assert sorted(load.values()) == [2, 2, 2], load


def test_the_second_waits_for_the_first_and_sees_its_choice(office_staff):
    """One transaction holds the office's lock, having chosen an officer, and commits only after the
    other has started: the other waits, then chooses someone else."""
    officers, trader = office_staff
    first, second = on_own_connection(lambda: [registered(trader, plain_import_body()) for _ in range(2)])
    chosen, second_done = threading.Event(), threading.Event()
    outcome = {}

    def hold_the_lock():
        try:
            with transaction.atomic():
                declaration = Declaration.objects.select_for_update().get(pk=first.pk)
                declaration.status = "under_review"
                declaration_assign_on_entry(declaration=declaration, from_status="registered")
                declaration.save()
                chosen.set()
                outcome["second_finished_before_commit"] = second_done.wait(timeout=2)
            outcome["first"] = declaration.assigned_to_id
        finally:
            connection.close()

    def assess_the_second():
        try:
            chosen.wait(timeout=30)
            risk_assess(declaration_id=second.pk)
            second_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=hold_the_lock), threading.Thread(target=assess_the_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcome["second_finished_before_commit"] is False  # it waited for the lock
    second.refresh_from_db()
    assert outcome["first"] == officers[0].pk
    assert second.assigned_to_id == officers[1].pk
