"""The OpenAPI description of each native endpoint (drf-spectacular decorators, with examples).

Only /api/v1/ is documented here (`native_endpoints_only`): the dialects follow their own
published documentation.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view

from cases.api.representations import openapi as doc
from cases.choices import DisputeType, Network, Reason, Source
from cases.filtersets import ORDERINGS, STATUS_CHOICES
from cases.services.evidence import EVIDENCE_TYPES

TAGS_CASES, TAGS_STORE = ["cases"], ["transactions and parties"]
CASE_ID = OpenApiParameter("case_id", str, OpenApiParameter.PATH, description="The case's id.")
EVIDENCE_ID = OpenApiParameter("evidence_id", int, OpenApiParameter.PATH)
FDID = OpenApiParameter("financial_document_id", int, OpenApiParameter.PATH)
CLAIM_ID = OpenApiParameter("claim_id", str, OpenApiParameter.PATH)
IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False,
                            description="The case's ETag (or a list of ETags, weak or strong): the write happens "
                                        "only if the case is unchanged, else 412. `*` matches any version.")
IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                   description="Up to 255 characters; a repeat replays the first response.")
PAGE = [
    OpenApiParameter("limit", int, description="1-100, default 25."),
    OpenApiParameter("starting_after", str, description="The id of the last object of the previous page."),
    OpenApiParameter("ending_before", str, description="The id of the first object of the next page."),
]
CASE_FILTERS = PAGE + [
    OpenApiParameter("status", str, many=True, enum=[c[0] for c in STATUS_CHOICES],
                     description="Repeatable; `open` and `closed` are groups."),
    OpenApiParameter("reason", str, many=True, enum=Reason.values),
    OpenApiParameter("network", str, many=True, enum=[n for n in Network.values if n]),
    OpenApiParameter("network_reason_code", str), OpenApiParameter("level", str),
    OpenApiParameter("dispute_type", str, many=True, enum=DisputeType.values),
    OpenApiParameter("source", str, many=True, enum=Source.values),
    OpenApiParameter("review_status", str, enum=["chargeback_needs_review", "none"]),
    OpenApiParameter("program", str, description="program_id"),
    OpenApiParameter("amount_min", int, description="Minor units."), OpenApiParameter("amount_max", int),
    OpenApiParameter("created_after", OpenApiTypes.DATETIME), OpenApiParameter("created_before", OpenApiTypes.DATETIME),
    OpenApiParameter("deadline_after", OpenApiTypes.DATE), OpenApiParameter("deadline_before", OpenApiTypes.DATE),
    OpenApiParameter("overdue", bool, description="true: the next deadline has passed; false: it has not."),
    OpenApiParameter("regulation_rule", str, many=True, enum=["reg_e", "reg_z", "none"]),
    OpenApiParameter("regulation_status", str, many=True,
                     enum=["on_track", "at_risk", "breached", "met", "not_applicable"]),
    OpenApiParameter("assigned", str, enum=["me", "none", "any"],
                     description="me: the signed-in person's cases (none for an API key); none: unassigned."),
    OpenApiParameter("assignee", str, description="The assignee's username."),
    OpenApiParameter("q", str, description="Case id, ARN, card last4, merchant or cardholder name or email."),
    OpenApiParameter("ordering", str, enum=list(ORDERINGS), description="Default next_deadline (nulls last)."),
]
ERRORS = {code: OpenApiResponse(doc.Problem, description=text) for code, text in {
    400: "invalid_request, pan_detected", 401: "authentication_failed", 403: "permission_denied",
    404: "not_found", 409: "conflict (open_case_exists, case_id_taken, transition_not_allowed, idempotency_key_in_use, "
                          "approval_pending, submission_not_retryable)",
    412: "precondition_failed", 413: "payload or file too large", 415: "unsupported media or file type",
    422: "validation_error, transition_condition_failed, idempotency_key_reused", 429: "throttled",
}.items()}

MAKER_CHECKER = (
    "Maker-checker (SPEC 14): when the case's program needs a second person for this action (by default "
    "`accept`, and reversing or making final a provisional credit), nothing runs yet: the answer is **202** "
    "with the pending approval request (its `Location` is the request), whose reason is the `note` (required "
    "then). A different supervisor approves it (the action runs then) or declines it in the back office. "
    "A request already waiting for the same action: 409 `approval_pending`.")
APPROVAL_PENDING = OpenApiResponse(doc.ApprovalRequest, description="Waiting for a second person's approval.")


def errors(*codes):
    return {code: ERRORS[code] for code in (401, 403, 429) + codes}


CREATE_EXAMPLE = OpenApiExample("Decisionly-shaped case", request_only=True, value={
    "reason": "product_not_received",
    "cardholder": {"name": "Susie Chargeback", "email": "susie@example.com", "issuer_id": "9529456289",
                   "type": "individual", "billing_address": {"line1": "742 Evergreen Terrace", "line2": "Unit 5B",
                                                              "city": "San Francisco", "state": "CA",
                                                              "postal_code": "94102", "country": "US"}},
    "merchant": {"name": "FoodHub", "category_code": "5734", "issuer_id": "8201132789"},
    "transaction": {"arn": "48162855246353338636162", "switch_serial_number": "242025095",
                    "date": "2025-11-26T13:12:18.198-08:00", "amount": 299, "currency": "USD",
                    "system": "dual_message",
                    "card": {"network": "mastercard", "last4": "4242", "expiry_month": 6, "expiry_year": 2028,
                             "type": "credit"}},
    "dispute": {"date": "2025-11-26T13:12:18.198-08:00", "amount": 299, "currency": "USD",
                "raised_by": "cardholder"},
    "issuer_evidence": {"cardholder_explanation": "I never received this order"},
    "custom_fields": {"card_program": "CardHub"},
})
STORED_EXAMPLE = OpenApiExample("On a stored transaction", request_only=True, value={
    "financial_document_id": 1000000001, "network_reason_code": "4855", "dispute_type": "chargeback",
    "level": "level_2", "internal_due_date": "2026-01-15"})
TRANSITION_EXAMPLES = [
    OpenApiExample("File the chargeback", request_only=True,
                   value={"transition": "file_chargeback", "note": "Evidence complete."}),
    OpenApiExample("The cardholder withdraws", request_only=True,
                   value={"transition": "withdraw", "note": "Cardholder found the parcel."}),
]

case_list = extend_schema_view(
    get=extend_schema(tags=TAGS_CASES, summary="List cases", operation_id="cases_list", parameters=CASE_FILTERS,
                      responses={200: doc.page_of(doc.Case), 400: ERRORS[400], **errors()}),
    post=extend_schema(tags=TAGS_CASES, summary="Open a case", parameters=[IDEMPOTENCY_KEY], request=doc.CaseCreate,
                       examples=[CREATE_EXAMPLE, STORED_EXAMPLE],
                       responses={201: doc.Case, **errors(400, 404, 409, 413, 422)}),
)
case_detail = extend_schema_view(
    get=extend_schema(tags=TAGS_CASES, summary="Read a case (with its ETag)", parameters=[CASE_ID],
                      responses={200: doc.Case, **errors(404)}),
    patch=extend_schema(tags=TAGS_CASES, summary="Edit a case", parameters=[CASE_ID, IF_MATCH], request=doc.CasePatch,
                        responses={200: doc.Case, **errors(400, 404, 409, 412, 422)}),
)
case_transitions = extend_schema_view(
    get=extend_schema(tags=TAGS_CASES, summary="Transitions the caller may run now", parameters=[CASE_ID],
                      responses={200: doc.AvailableTransitions, **errors(404)}),
    post=extend_schema(tags=TAGS_CASES, summary="Run a lifecycle transition (202: it waits for approval)",
                       description=MAKER_CHECKER, parameters=[CASE_ID, IF_MATCH, IDEMPOTENCY_KEY],
                       request=doc.TransitionRequest, examples=TRANSITION_EXAMPLES,
                       responses={200: doc.Case, 202: APPROVAL_PENDING, **errors(400, 404, 409, 412, 422)}),
)
case_approval_requests = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="Maker-checker requests on the case, oldest first",
    operation_id="case_approval_requests_list", parameters=[CASE_ID] + PAGE,
    responses={200: doc.page_of(doc.ApprovalRequest), **errors(400, 404)}))
case_approval_request = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="One maker-checker request (pending, approved or declined)",
    parameters=[CASE_ID, OpenApiParameter("request_id", int, OpenApiParameter.PATH)],
    responses={200: doc.ApprovalRequest, **errors(404)}))
case_events = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="The audit trail, oldest first", parameters=[CASE_ID] + PAGE,
    responses={200: doc.page_of(doc.Event), **errors(400, 404)}))
case_notes = extend_schema_view(
    get=extend_schema(tags=TAGS_CASES, summary="Team notes", parameters=[CASE_ID] + PAGE,
                      responses={200: doc.page_of(doc.Note), **errors(400, 404)}),
    post=extend_schema(tags=TAGS_CASES, summary="Add a note", parameters=[CASE_ID, IDEMPOTENCY_KEY], request=doc.Note,
                       responses={201: doc.Note, **errors(400, 404, 422)}),
)
case_trusted_amount = extend_schema_view(post=extend_schema(
    tags=TAGS_CASES, summary="Change the disputed amount", parameters=[CASE_ID, IDEMPOTENCY_KEY],
    request=doc.TrustedAmount, responses={200: doc.Case, **errors(400, 404, 409, 422)}))
case_evidence = extend_schema_view(
    get=extend_schema(tags=TAGS_CASES, summary="Evidence files", parameters=[CASE_ID],
                      responses={200: doc.page_of(doc.Evidence), **errors(404)}),
    post=extend_schema(tags=TAGS_CASES, summary="Upload evidence (the same file twice returns the first, 200)",
                       parameters=[CASE_ID, IDEMPOTENCY_KEY], request={"multipart/form-data": doc.EvidenceUpload},
                       responses={201: doc.Evidence, 200: doc.Evidence, **errors(400, 404, 413, 415, 422)}),
)
evidence_download = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="Download an evidence file (attachment, served with its own type)",
    parameters=[CASE_ID, EVIDENCE_ID],
    responses={**{(200, media): OpenApiTypes.BINARY for media in sorted(EVIDENCE_TYPES)}, **errors(404)}))
case_provisional_credit = extend_schema_view(post=extend_schema(
    tags=TAGS_CASES, summary="Grant, reverse or make final the provisional credit (`manage` scope)",
    parameters=[CASE_ID, IF_MATCH, IDEMPOTENCY_KEY], request=doc.ProvisionalCreditRequest,
    examples=[OpenApiExample("Grant part of the amount", request_only=True,
                             value={"action": "grant", "amount": 1500, "note": "Fraud claim, card blocked."}),
              OpenApiExample("No error found", request_only=True, value={"action": "reverse"})],
    description=MAKER_CHECKER, responses={200: doc.Case, 202: APPROVAL_PENDING, **errors(400, 404, 409, 412, 422)}))
case_letters = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="Letters owed and sent to the cardholder", parameters=[CASE_ID],
    responses={200: doc.page_of(doc.Letter), **errors(404)}))
letter_download = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="Download a sent letter (PDF)",
    parameters=[CASE_ID, OpenApiParameter("letter_id", int, OpenApiParameter.PATH)],
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, **errors(404)}))
NETWORK_RETRY = (
    "Queue a failed or refused submission to the card network again (SPEC 12), after the case was corrected. "
    "Allowed while `retryable` is true, to a caller who may run the step that wrote it (an analyst or a `manage` "
    "key for a chargeback or pre-arbitration; a supervisor for arbitration and acceptance; `write` keys may retry "
    "a withdrawal). A failed submission keeps its client reference, so the network is asked first whether it "
    "arrived; a refused one gets a new one. Files the packaging check named are left out. 409 "
    "`submission_not_retryable` when its state allows no retry.")
SUBMISSION_ID = OpenApiParameter("submission_id", int, OpenApiParameter.PATH)
case_network_submissions = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="Submissions to the card network, oldest first",
    operation_id="case_network_submissions_list", parameters=[CASE_ID] + PAGE,
    responses={200: doc.page_of(doc.NetworkSubmission), **errors(400, 404)}))
case_network_submission_retry = extend_schema_view(post=extend_schema(
    tags=TAGS_CASES, summary="Retry a failed or refused network submission", description=NETWORK_RETRY,
    parameters=[CASE_ID, SUBMISSION_ID, IDEMPOTENCY_KEY], request=doc.SubmissionRetry,
    examples=[OpenApiExample("After the network came back", request_only=True,
                             value={"note": "Mastercom was down overnight."})],
    responses={200: doc.NetworkSubmission, **errors(400, 404, 409, 422)}))
case_network_messages = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="What the card network sent about the case, oldest first",
    operation_id="case_network_messages_list", parameters=[CASE_ID] + PAGE,
    responses={200: doc.page_of(doc.NetworkMessage), **errors(400, 404)}))
transaction_list = extend_schema_view(
    get=extend_schema(tags=TAGS_STORE, summary="The transaction store", operation_id="transactions_list", parameters=PAGE + [
        OpenApiParameter("arn", str), OpenApiParameter("external_id", str),
        OpenApiParameter("switch_serial_number", str)],
        responses={200: doc.page_of(doc.StoredTransaction), **errors(400)}),
    post=extend_schema(tags=TAGS_STORE, summary="Record a transaction (200 when it is already stored)",
                       parameters=[IDEMPOTENCY_KEY], request=doc.StoredTransaction,
                       responses={201: doc.StoredTransaction, 200: doc.StoredTransaction, **errors(400, 409, 422)}),
)
transaction_detail = extend_schema_view(get=extend_schema(
    tags=TAGS_STORE, summary="A stored transaction", parameters=[FDID],
    responses={200: doc.StoredTransaction, **errors(404)}))
merchant_list = extend_schema_view(get=extend_schema(
    tags=TAGS_STORE, summary="Merchants", parameters=PAGE + [OpenApiParameter("issuer_id", str)],
    responses={200: doc.page_of(doc.ListedMerchant), **errors(400)}))
cardholder_list = extend_schema_view(get=extend_schema(
    tags=TAGS_STORE, summary="Cardholders", parameters=PAGE + [OpenApiParameter("issuer_id", str)],
    responses={200: doc.page_of(doc.ListedCardholder), **errors(400)}))
claim_list = extend_schema_view(
    get=extend_schema(tags=TAGS_CASES, summary="Claims", operation_id="claims_list", parameters=PAGE,
                      responses={200: doc.page_of(doc.Claim), **errors(400)}),
    post=extend_schema(tags=TAGS_CASES, summary="Group cases in a claim", parameters=[IDEMPOTENCY_KEY],
                       request=doc.ClaimCreate, responses={201: doc.Claim, **errors(400, 404, 422)}),
)
claim_detail = extend_schema_view(get=extend_schema(
    tags=TAGS_CASES, summary="A claim", parameters=[CLAIM_ID], responses={200: doc.Claim, **errors(404)}))
reason_code_list = extend_schema_view(get=extend_schema(
    tags=TAGS_STORE, summary="The reason-code catalog", parameters=[OpenApiParameter("network", str)],
    responses={200: doc.page_of(doc.ReasonCode), **errors()}))


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The three API-key header forms of SPEC section 5, as two security schemes."""

    target_class = "cases.api.authentication.ApiKeyAuthentication"
    name = ["apiKeyBearer", "apiKeyBasic"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <key>"},
            {"type": "http", "scheme": "basic",
             "description": "The key as username with an empty password, or <prefix>:<secret> (the key split at its dot)."},
        ]


def native_endpoints_only(endpoints):
    """SPECTACULAR_SETTINGS PREPROCESSING_HOOKS: keep /api/v1/ (the Tutelar dialect's /api/v1/dispute/ aside)."""
    return [(path, regex, method, view) for path, regex, method, view in endpoints
            if path.startswith("/api/v1/") and not path.startswith("/api/v1/dispute/")]
