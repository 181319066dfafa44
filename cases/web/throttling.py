"""API throttling (SPEC section 9), shared by the native API and the dialects: one rate per API key
or user, 429 `throttled` with Retry-After.

The rate is `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["client"]`, read at request time so a test
or a deployment can change it with settings alone.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cases.models import ApiKey


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
