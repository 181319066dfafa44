"""Endpoint access by scope (SPEC section 5): GET needs `read`, writes need `write` unless the view says more.

A key's scopes nest (manage implies write implies read, `ApiKey.has_scope`). A session user needs
to be on the dispute team (the `view_case` permission of the analyst/supervisor groups) to read,
`add_case` to write and `edit_case_deadlines` to manage. Finer rules (which transition, who
edits deadlines) are the services' checks.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from cases.choices import ApiScope
from cases.models import ApiKey

USER_PERMISSION_FOR_SCOPE = {
    ApiScope.READ: "cases.view_case",
    ApiScope.WRITE: "cases.add_case",
    ApiScope.MANAGE: "cases.edit_case_deadlines",
}


def required_scope(request, view) -> str:
    scopes = getattr(view, "required_scopes", {})
    if request.method in scopes:
        return scopes[request.method]
    return ApiScope.READ if request.method in SAFE_METHODS else ApiScope.WRITE


class HasScope(BasePermission):
    message = "This API key or user may not use this endpoint."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        scope = required_scope(request, view)
        if isinstance(request.auth, ApiKey):
            return request.auth.has_scope(scope)
        return request.user.has_perm(USER_PERMISSION_FOR_SCOPE[scope])
