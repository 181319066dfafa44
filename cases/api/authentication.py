"""Who is calling the native API: an API key (three header forms, SPEC section 5) or a session user.

Either way the view works with an `Actor` (`cases.actors.actor_for(request)`), built once per
request with the request id, so services record the same actor label whichever door was used.
"""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from cases.actors import Actor
from cases.exceptions import AuthenticationFailed
from cases.web.api_keys import authenticate_api_key


def _request_id(request) -> str:
    return getattr(getattr(request, "_request", request), "id", "")


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`, Basic `<key>:` or Basic `<prefix>:<secret>`; revoked/expired keys fail."""

    def authenticate(self, request):
        try:
            api_key = authenticate_api_key(request)
        except AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(exc.message) from None
        if api_key is None:
            return None
        return Actor.for_api_key(api_key, request_id=_request_id(request)), api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when credentials are missing.
        return 'Bearer realm="disputes"'

