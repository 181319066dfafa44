"""The card network in the back office (SPEC section 12): the case page's Network panel, its Retry
button, the documents a network sent, and the supervisors' network exceptions page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.gateways.base import Document
from cases.models import CaseEvent, NetworkMessage, NetworkSubmission
from cases.services import network_submissions as subs
from cases.services.network_inbound import networks_poll
from tests.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def send_all() -> dict:
    ids = list(subs.unsettled_submissions().filter(next_attempt_at__lte=timezone.now()).values_list("pk", flat=True))
    return subs.submissions_send(ids)


def page(client, case) -> str:
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def panel(body: str) -> str:
    found = re.search(r'<section class="panel[^"]*" id="network".*?</section>', body, re.S)
    assert found, "no Network panel"
    return found.group(0)


def retry_url(row) -> str:
    return f"/cases/{row.case.number}/network-submissions/{row.pk}/retry/"


@pytest.fixture
def acknowledged(program, network, supervisor_actor):
    """A chargeback sent with its evidence and acknowledged, then a representment with the merchant's PDF."""
    case = make_case(program)
    services.case_add_evidence(case=case, actor=supervisor_actor, data=PDF, name="Cardholder letter 2026.pdf")
    services.case_transition(case=case, transition="file_chargeback", actor=supervisor_actor)
    assert send_all() == {"acknowledged": 1}
    case.refresh_from_db()
    network.push("representment", case.network_claim_id, message_id="MSG-REP-1", amount_minor=10000,
                 currency="USD", reason="Goods delivered",
                 documents=(Document("pod.pdf", "application/pdf", PDF + b"% proof of delivery\n"),))
    networks_poll()
    case.refresh_from_db()
    return case


@pytest.fixture
def failed(program, network, settings):
    settings.NETWORK_SUBMISSION_MAX_ATTEMPTS = 1
    case = make_case(program, path=("file_chargeback",))
    network.unreachable = True
    assert send_all() == {"failed": 1}
    network.unreachable = False
    return NetworkSubmission.objects.select_related("case").get(case=case)


def test_the_panel_shows_claim_submission_files_and_messages(analyst_client, acknowledged):
    case = acknowledged
    row = NetworkSubmission.objects.get(case=case)
    html = panel(page(analyst_client, case))
    assert "Mastercard" in html and case.network_claim_id in html
    assert f'data-submission="{row.pk}" data-state="acknowledged"' in html
    for text in ("Chargeback", "Acknowledged", row.client_reference, row.network_reference, row.files[0]["name"],
                 "from Cardholder letter 2026.pdf", "MSG-REP-1", "Representment", "Applied", "pod.pdf",
                 "Goods delivered"):
        assert text in html, text
    assert "data-retry" not in html  # nothing to retry
    evidence = case.evidence.get(original_name="pod.pdf")
    assert f'href="/cases/{case.number}/evidence/{evidence.pk}/"' in html


def test_a_failed_submission_shows_its_error_and_retry_queues_it(analyst_client, analyst, failed, network):
    html = panel(page(analyst_client, failed.case))
    assert 'data-state="failed"' in html and "connection refused" in html and f'data-retry="{failed.pk}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    response = analyst_client.post(retry_url(failed), {"back": "case"})
    assert response.status_code == 303 and response["Location"] == f"/cases/{failed.case.number}/#network"
    failed.refresh_from_db()
    assert (failed.state, failed.manual_retries, failed.last_error) == ("queued", 1, "")
    event = CaseEvent.objects.filter(case=failed.case, kind="network_filing").latest("id")
    assert event.actor_user == analyst and event.changes["state"] == "queued"
    body = page(analyst_client, failed.case)
    assert "queued for Mastercard again" in body
    assert send_all() == {"acknowledged": 1}
    assert 'data-state="acknowledged"' in panel(page(analyst_client, failed.case))


def test_an_analyst_may_not_retry_a_supervisors_step(analyst_client, supervisor_client, program, network,
                                                      supervisor_actor, settings):
    case = make_case(program, path=("file_chargeback",))
    send_all()
    case = services.case_transition(case=case, transition="record_prearb_received", actor=supervisor_actor).case
    settings.NETWORK_SUBMISSION_MAX_ATTEMPTS = 1
    network.unreachable = True
    services.case_transition(case=case, transition="file_arbitration", actor=supervisor_actor)
    send_all()
    row = NetworkSubmission.objects.get(case=case, kind="arbitration")
    assert row.state == "failed"
    html = panel(page(analyst_client, case))
    assert f'data-retry="{row.pk}"' not in html and "Retry needs the right to file arbitration" in html
    before = CaseEvent.objects.count()
    assert analyst_client.post(retry_url(row)).status_code == 403
    assert CaseEvent.objects.count() == before and NetworkSubmission.objects.get(pk=row.pk).state == "failed"
    assert f'data-retry="{row.pk}"' in panel(page(supervisor_client, case))


def test_what_cannot_be_retried_is_said_and_changes_nothing(analyst_client, acknowledged):
    row = NetworkSubmission.objects.get(case=acknowledged)
    before = CaseEvent.objects.count()
    response = analyst_client.post(retry_url(row), follow=True)
    assert "The chargeback submission is acknowledged and cannot be retried." in response.content.decode()
    assert CaseEvent.objects.count() == before and NetworkSubmission.objects.get(pk=row.pk).state == "acknowledged"


def test_bad_retry_requests(analyst_client, failed, program, network):
    other = make_case(program)
    for url in (f"/cases/{failed.case.number}/network-submissions/999999/retry/",
                f"/cases/{other.number}/network-submissions/{failed.pk}/retry/",  # another case's submission
                f"/cases/999999/network-submissions/{failed.pk}/retry/",
                f"/cases/{failed.case.number}/network-submissions/99999999999999999999999/retry/"):
        assert analyst_client.post(url).status_code == 404, url
    assert analyst_client.get(retry_url(failed)).status_code == 405
    response = analyst_client.post(retry_url(failed), {"back": "elsewhere", "note": "x"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    assert NetworkSubmission.objects.get(pk=failed.pk).state == "failed"


def test_evidence_the_network_would_refuse_is_named_before_anything_is_sent(analyst_client, program, network,
                                                                              supervisor_actor):
    case = make_case(program)
    services.case_add_evidence(case=case, actor=supervisor_actor, data=PNG, name="screenshot.png")
    services.case_add_evidence(case=case, actor=supervisor_actor, data=PDF, name="receipt.pdf")
    body = page(analyst_client, case)
    html = panel(body)
    problems = re.search(r'id="packaging-problems".*?</div>', html, re.S).group(0)
    assert "screenshot.png" in problems and "receipt.pdf" not in problems
    assert body.count('data-refused-by="Mastercard"') == 1  # flagged in the evidence table too
    assert "Nothing sent to Mastercard yet" in html and network.submits == []


def test_cases_without_a_gateway_have_no_panel(analyst_client, program, network):
    case = make_case(program, path=("file_chargeback",), network="amex")
    assert 'id="network"' not in page(analyst_client, case)


def test_an_unmatched_message_names_why_and_its_documents_download(analyst_client, supervisor_client, acknowledged,
                                                                   network, supervisor_actor):
    case = services.case_transition(case=acknowledged, transition="accept", actor=supervisor_actor).case
    network.push("ruling_merchant", case.network_claim_id, message_id="MSG-LATE",
                 documents=(Document("ruling.pdf", "application/pdf", PDF),))
    networks_poll()
    message = NetworkMessage.objects.get(message_id="MSG-LATE")
    assert message.state == "unmatched"
    html = panel(page(analyst_client, case))
    assert 'data-state="unmatched"' in html and "The case is closed" in html
    url = f"/network-messages/{message.pk}/documents/0/"
    assert f'href="{url}"' in html
    download = analyst_client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert analyst_client.get(f"/network-messages/{message.pk}/documents/1/").status_code == 404
    assert analyst_client.get("/network-messages/999999/documents/0/").status_code == 404


def test_documents_of_a_message_with_no_case_are_a_supervisors(analyst_client, supervisor_client, network):
    network.push("representment", "CLM-NOBODY", message_id="MSG-ORPHAN",
                 documents=(Document("note.html", "text/html", b"<script>alert(1)</script>"),))
    networks_poll()
    message = NetworkMessage.objects.get(message_id="MSG-ORPHAN")
    assert message.state == "unmatched" and message.case is None
    url = f"/network-messages/{message.pk}/documents/0/"
    assert analyst_client.get(url).status_code == 403
    download = supervisor_client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/octet-stream"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_exceptions_page_lists_what_needs_a_supervisor(supervisor_client, analyst_client, failed, acknowledged,
                                                           network):
    network.push("representment", "CLM-NOBODY", message_id="MSG-ORPHAN")
    networks_poll()
    response = supervisor_client.get("/network-exceptions/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/network-exceptions/"' in body  # in the navigation
    assert f'data-submission="{failed.pk}"' in body and f'href="/cases/{failed.case.number}/#network"' in body
    assert f'data-retry="{failed.pk}"' in body and 'name="back" value="exceptions"' in body
    assert "MSG-ORPHAN" in body and "no case" in body and "CLM-NOBODY" in body
    acknowledged_row = NetworkSubmission.objects.get(case=acknowledged)
    assert f'data-submission="{acknowledged_row.pk}"' not in body and "MSG-REP-1" not in body
    retried = supervisor_client.post(retry_url(failed), {"back": "exceptions"})
    assert retried.status_code == 303 and retried["Location"] == "/network-exceptions/"
    assert f'data-submission="{failed.pk}"' not in supervisor_client.get("/network-exceptions/").content.decode()
    # Analysts see neither the page nor the link.
    assert analyst_client.get("/network-exceptions/").status_code == 403
    assert "/network-exceptions/" not in analyst_client.get("/cases/").content.decode()


def test_a_refused_chargeback_filed_again_leaves_the_list(supervisor_client, program, network, supervisor_actor):
    network.refuse["chargeback"] = "Missing documentation"
    case = make_case(program, path=("file_chargeback",))
    send_all()
    refused = NetworkSubmission.objects.get(case=case)
    assert refused.state == "rejected"
    body = supervisor_client.get("/network-exceptions/").content.decode()
    assert f'data-submission="{refused.pk}"' in body and "Missing documentation" in body
    assert f'data-retry="{refused.pk}"' not in body  # the case went back to review: it is filed again
    del network.refuse["chargeback"]
    services.case_mark_reviewed(case=case, actor=supervisor_actor)
    services.case_transition(case=case, transition="file_chargeback", actor=supervisor_actor)
    assert f'data-submission="{refused.pk}"' not in supervisor_client.get("/network-exceptions/").content.decode()


def test_the_exceptions_page_pages_with_a_constant_query_count(supervisor_client, program, network):
    def fail(n):
        for _ in range(n):
            case = make_case(program)
            NetworkSubmission.objects.create(case=case, kind="withdraw", network="mastercard", amount=100,
                                             currency="USD", state="failed", last_error="timeout")
            NetworkMessage.objects.create(network="mastercard", message_id=f"M{NetworkMessage.objects.count()}",
                                          kind="representment", state="unmatched", error="No case is known")

    fail(3)
    with CaptureQueriesContext(connection) as few:
        assert supervisor_client.get("/network-exceptions/").status_code == 200
    fail(30)
    with CaptureQueriesContext(connection) as many:
        response = supervisor_client.get("/network-exceptions/")
    assert len(many) == len(few) <= 12
    body = response.content.decode()
    assert body.count("data-submission=") == 25 and body.count("data-message=") == 25
    assert "Page 1 of 2" in body
    second = supervisor_client.get("/network-exceptions/", {"submissions": 2, "messages": "x"}).content.decode()
    assert second.count("data-submission=") == 8 and second.count("data-message=") == 25


def test_the_panel_costs_the_same_queries_however_many_rows(analyst_client, program, network):
    def counted(case):
        analyst_client.get(f"/cases/{case.number}/")
        with CaptureQueriesContext(connection) as queries:
            page(analyst_client, case)
        return len(queries)

    plain = make_case(program, network="amex")  # no gateway: no panel, no query
    one = make_case(program, path=("file_chargeback",))
    busy = make_case(program, path=("file_chargeback",))
    for n in range(5):
        NetworkSubmission.objects.create(case=busy, kind="withdraw", network="mastercard", amount=1, currency="USD",
                                         state="failed", last_error="timeout",
                                         files=[{"evidence_id": 1, "name": "a.pdf", "original_name": "a.pdf",
                                                 "content_type": "application/pdf", "size": 10}])
        NetworkMessage.objects.create(network="mastercard", message_id=f"M{n}", kind="representment", case=busy,
                                      state="unmatched", error="Does not fit",
                                      documents=[{"name": "d.pdf", "size": 5, "path": "network/x"}])
    assert counted(one) == counted(busy) == counted(plain) + 2


@pytest.mark.parametrize(("network_name", "label"), [("mastercard", "Mastercard"), ("visa", "Visa")])
def test_the_real_gateways_rules_name_the_file(analyst_client, program, supervisor_actor, network_name, label):
    """With the configured gateways (no network call: packaging is local), the case page says what
    each network refuses, in the packaging module's words."""
    case = make_case(program, network=network_name)
    services.case_add_evidence(case=case, actor=supervisor_actor, data=PNG, name="receipt.png")
    problems = re.search(r'id="packaging-problems".*?</div>', panel(page(analyst_client, case)), re.S).group(0)
    assert f"receipt.png is a PNG file; {label} accepts JPEG, TIFF or PDF only" in problems
