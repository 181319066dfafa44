"""The simulator's URLs: Mastercom v6 under /mastercom/, the VROL-style wire under /vrol/, the
sandbox controls under /control/ (control.py)."""

from django.http import JsonResponse
from django.urls import path

from network_simulator import control_views as control
from network_simulator import mastercom as mc
from network_simulator import vrol


def health(request):
    return JsonResponse({"status": "ok", "service": "network simulator"})


urlpatterns = [
    path("healthz", health),
    path("mastercom/v6/claims", mc.claims),
    path("mastercom/v6/claims/<str:claim_id>", mc.claim),
    path("mastercom/v6/claims/<str:claim_id>/chargebacks", mc.chargebacks),
    path("mastercom/v6/claims/<str:claim_id>/chargebacks/<str:chargeback_id>/reversal", mc.reversal),
    path("mastercom/v6/claims/<str:claim_id>/chargebacks/<str:chargeback_id>/documents", mc.chargeback_documents),
    path("mastercom/v6/chargebacks/acknowledge", mc.acknowledge),
    path("mastercom/v6/cases", mc.cases),
    path("mastercom/v6/cases/status", mc.case_status),
    path("mastercom/v6/cases/<str:case_id>", mc.case),
    path("mastercom/v6/cases/<str:case_id>/documents", mc.case_documents),
    path("mastercom/v6/queues/names", mc.queue_names),
    path("mastercom/v6/queues", mc.queues),
    path("vrol/v1/cases", vrol.create_case),
    path("vrol/v1/cases/<str:case_number>", vrol.case_detail),
    path("vrol/v1/cases/<str:case_number>/disputes", vrol.dispute),
    path("vrol/v1/cases/<str:case_number>/prearbitration", vrol.prearbitration),
    path("vrol/v1/cases/<str:case_number>/prearbitration/<str:prearbitration_id>/response", vrol.prearbitration_response),
    path("vrol/v1/cases/<str:case_number>/arbitration", vrol.arbitration),
    path("vrol/v1/cases/<str:case_number>/accept", vrol.accept),
    path("vrol/v1/cases/<str:case_number>/recall", vrol.recall),
    path("vrol/v1/submissions/<str:client_reference>", vrol.submission),
    path("vrol/v1/queues", vrol.queue_names),
    path("vrol/v1/queues/<str:name>", vrol.queue),
    path("vrol/v1/queues/<str:name>/read", vrol.mark_read),
    path("control/v1/state", control.control_state),
    path("control/v1/hold-filings", control.hold_filings),
    path("control/v1/queue-items", control.queue_items),
]
