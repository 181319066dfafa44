"""Request ids: taken from X-Request-ID when sane, else generated; echoed and put on every log line."""

import logging
import re
import threading
import uuid

_local = threading.local()
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
logger = logging.getLogger("disputes.request")


def current_request_id() -> str:
    return getattr(_local, "request_id", "")


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = getattr(record, "request_id", None) or current_request_id()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request.id = supplied if _SAFE_ID.match(supplied) else uuid.uuid4().hex
        _local.request_id = request.id
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            # Method, path and status only: never bodies, query strings or headers.
            logger.info("request", extra={"method": request.method, "path": request.path,
                                          "status": response.status_code})
            return response
        finally:
            _local.request_id = ""
