"""Domain errors. Each door (native API, dialects, back office, admin) renders them in its own envelope.

Every error has a machine `code` (the native API's problem code), a plain-words `message`, and,
where one field is at fault, the dotted `field` path.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


class DisputeError(Exception):
    code = "invalid_request"
    status = 400
    title = "Invalid request"

    def __init__(self, message: str = "", *, field: str | None = None, **extra):
        self.message = message or self.title
        self.field = field
        self.extra = extra
        super().__init__(self.message)

    @property
    def errors(self) -> list[FieldError]:
        return [FieldError(self.field, self.code, self.message)] if self.field else []


class ValidationFailed(DisputeError):
    code = "validation_error"
    status = 422
    title = "Validation failed"

    def __init__(self, errors: list[FieldError], message: str = ""):
        self._errors = list(errors)
        first = self._errors[0] if self._errors else None
        super().__init__(message or (first.message if first else self.title), field=first.field if first else None)

    @property
    def errors(self) -> list[FieldError]:
        return self._errors

    @property
    def first(self) -> FieldError | None:
        return self._errors[0] if self._errors else None

    @classmethod
    def single(cls, field: str, code: str, message: str) -> "ValidationFailed":
        return cls([FieldError(field, code, message)])


class InvalidQuery(ValidationFailed):
    """A bad query parameter (limit, cursor, filter): 400, with the parameter named in `errors`."""

    code = "invalid_request"
    status = 400
    title = "Invalid query parameter"


class InvalidReasonCode(ValidationFailed):
    def __init__(self, code_value: str, field: str = "network_reason_code", network: str = ""):
        suffix = f" for {network}" if network else ""
        super().__init__([FieldError(field, "invalid_reason_code", f"Invalid reason code {code_value!r}{suffix}.")])
        self.reason_code = code_value


class AuthenticationFailed(DisputeError):
    code = "authentication_failed"
    status = 401
    title = "Authentication failed"


class PayloadTooLarge(DisputeError):
    code = "payload_too_large"
    status = 413
    title = "Request body too large"


class PermissionDenied(DisputeError):
    code = "permission_denied"
    status = 403
    title = "Permission denied"


class NotFound(DisputeError):
    code = "not_found"
    status = 404
    title = "Not found"


class CaseNotFound(NotFound):
    title = "Case not found"


class TransactionNotFound(NotFound):
    title = "Transaction not found"


class ClaimNotFound(NotFound):
    title = "Claim not found"


class EvidenceNotFound(NotFound):
    title = "Evidence not found"


class OpenCaseExists(DisputeError):
    """One open case per transaction (Mastercard: ANOTHER_OPEN_CASE_ALREADY_EXISTS)."""

    code = "open_case_exists"
    status = 409
    title = "An open case already exists for this transaction"

    def __init__(self, *, case_id: str, case_number: int, financial_document_id: int):
        self.case_id = case_id
        self.case_number = case_number
        self.financial_document_id = financial_document_id
        super().__init__(
            f"Another open case with id {case_id} for the financial document {financial_document_id} already exists.",
            case_id=case_id,
        )


class CaseIdTaken(DisputeError):
    code = "case_id_taken"
    status = 409
    title = "Case id already taken"

    def __init__(self, case_id: str):
        self.case_id = case_id
        super().__init__(f"A case with id {case_id!r} already exists.", field="case_id")


class TransactionConflict(DisputeError):
    """A new transaction names a financial document id of its own and an ARN or external id that
    another stored transaction of the program already holds."""

    code = "transaction_conflict"
    status = 409
    title = "Another transaction holds this identifier"


class CaseClosed(DisputeError):
    code = "case_closed"
    status = 409
    title = "Case is closed"


class TransitionNotAllowed(DisputeError):
    code = "transition_not_allowed"
    status = 409
    title = "Transition not allowed"

    def __init__(self, *, transition: str, current_status: str, allowed: list[str]):
        self.transition = transition
        self.current_status = current_status
        self.allowed = allowed
        super().__init__(
            f"The transition {transition!r} is not allowed from status {current_status!r}.",
            current_status=current_status,
            allowed_transitions=allowed,
        )


class TransitionConditionFailed(DisputeError):
    code = "transition_condition_failed"
    status = 422
    title = "Transition condition failed"

    def __init__(self, *, transition: str, failed: dict[str, str]):
        self.transition = transition
        self.failed = failed  # condition name -> plain-words message
        super().__init__(
            f"Cannot {transition.replace('_', ' ')}: " + " ".join(failed.values()),
            failed_conditions=list(failed),
        )

    @property
    def errors(self) -> list[FieldError]:
        return [FieldError("transition", name, message) for name, message in self.failed.items()]


class PreconditionFailed(DisputeError):
    code = "precondition_failed"
    status = 412
    title = "Precondition failed"


class FileTooLarge(DisputeError):
    code = "file_too_large"
    status = 413
    title = "File too large"


class UnsupportedFileType(DisputeError):
    code = "unsupported_file_type"
    status = 415
    title = "Unsupported file type"


class TooManyFiles(DisputeError):
    code = "too_many_files"
    status = 422
    title = "Too many files"


class PanDetected(DisputeError):
    code = "pan_detected"
    status = 400
    title = "Card number detected"

    def __init__(self, field: str):
        super().__init__(
            "A full card number was found in the request; send only the last four digits.", field=field
        )


class IdempotencyKeyReused(DisputeError):
    code = "idempotency_key_reused"
    status = 422
    title = "Idempotency key reused"


class IdempotencyKeyInUse(DisputeError):
    code = "idempotency_key_in_use"
    status = 409
    title = "Idempotency key in use"


class WebhookEndpointNotFound(NotFound):
    title = "Webhook endpoint not found"


class WebhookDeliveryNotFound(NotFound):
    title = "Webhook delivery not found"


class WebhookEndpointDisabled(DisputeError):
    code = "endpoint_disabled"
    status = 409
    title = "Endpoint disabled"
class ProvisionalCreditRefused(DisputeError):
    """A provisional-credit action the case's ledger does not allow now (SPEC section 13)."""

    code = "provisional_credit_not_allowed"
    status = 409
    title = "Provisional credit action not allowed"

    def __init__(self, message: str, *, action: str, provisional_credit_status: str):
        self.action = action
        super().__init__(message, action=action, provisional_credit_status=provisional_credit_status)


class LetterNotFound(NotFound):
    title = "Letter not found"


class ApprovalRequired(DisputeError):
    """Maker-checker (SPEC section 14): the program needs a second person's approval for this action;
    request it (`cases.services.approvals`) instead of running it."""

    code = "approval_required"
    status = 409
    title = "Approval required"

    def __init__(self, *, action: str, message: str = ""):
        self.action = action
        super().__init__(message or f"{action.replace('_', ' ').capitalize()} on this program needs a second "
                                    "person's approval: request it, and a different supervisor approves it.",
                         action=action)


class ApprovalPending(DisputeError):
    code = "approval_pending"
    status = 409
    title = "Approval already requested"

    def __init__(self, *, action: str, request_id: int):
        self.request_id = request_id
        super().__init__(f"A request to {action.replace('_', ' ')} this case is already waiting for approval "
                         f"(request {request_id}).", action=action, approval_request=request_id)


class ApprovalDecided(DisputeError):
    code = "approval_decided"
    status = 409
    title = "Request already decided"


class ApprovalNotRequired(DisputeError):
    code = "approval_not_required"
    status = 409
    title = "Approval not required"


class ApprovalRequestNotFound(NotFound):
    title = "Approval request not found"


class NetworkSubmissionNotFound(NotFound):
    title = "Network submission not found"


class NetworkMessageNotFound(NotFound):
    title = "Network message not found"


class SubmissionNotRetryable(DisputeError):
    """A network submission in a state a person may not retry (queued, sent, acknowledged, or a
    chargeback the network refused: that case is filed again, which writes a new submission)."""

    code = "submission_not_retryable"
    status = 409
    title = "Submission cannot be retried"

    def __init__(self, message: str, *, state: str):
        super().__init__(message, state=state)
