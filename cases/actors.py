"""Who performs a write: a back-office user, an API key, or the system. Services record it on events.

`Actor.has_perm` answers for all three, so django-fsm-2's `permission=` checks work the same for
a user (Django permissions), an API key (its scopes, SPEC section 3) and the system sweep.
"""

from dataclasses import dataclass, field

from cases import lifecycle
from cases.choices import ApiScope

_READ = {"cases.view_case", "cases.view_transaction", "cases.view_merchant", "cases.view_cardholder",
         "cases.view_claim", "cases.view_evidence", "cases.view_caseevent"}
_WRITE = _READ | {"cases.add_case", "cases.change_case", "cases.add_case_note", "cases.add_evidence",
                  "cases.add_transaction", "cases.add_claim", "cases.change_claim", "cases.change_case_amount"} | {
    lifecycle.permission_for(t) for t in lifecycle.API_WRITE_TRANSITIONS
}
_MANAGE = _WRITE | {"cases.edit_case_deadlines", "cases.mark_case_reviewed", "cases.manage_provisional_credit",
    "cases.manage_webhooks"} | {
    lifecycle.permission_for(t) for t in lifecycle.API_MANAGE_TRANSITIONS
}
SCOPE_PERMISSIONS = {ApiScope.READ: frozenset(_READ), ApiScope.WRITE: frozenset(_WRITE),
                     ApiScope.MANAGE: frozenset(_MANAGE)}
# SPEC section 3: `expire` belongs to the system (the deadline sweep) alone.
SYSTEM_ONLY_PERMISSIONS = frozenset(lifecycle.permission_for(t) for t in lifecycle.SYSTEM_ONLY_TRANSITIONS)
SYSTEM_PERMISSIONS = frozenset(lifecycle.permission_for(t) for t in lifecycle.SYSTEM_TRANSITIONS) | {
    "cases.change_case", "cases.add_case", "cases.manage_webhooks", "cases.manage_provisional_credit"}

# A card network's answers (SPEC 12): its transitions, the merchant's documents, the claim id.
NETWORK_PERMISSIONS = frozenset(lifecycle.permission_for(t) for t in lifecycle.NETWORK_TRANSITIONS) | {
    "cases.change_case", "cases.add_evidence"}


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    api_key: object | None = None
    system: bool = False
    request_id: str = ""
    network: str = ""  # set for a card network's actor, `network:<name>`
    _perms: frozenset = field(default=frozenset(), compare=False, repr=False)

    @classmethod
    def for_user(cls, user, request_id: str = "") -> "Actor":
        return cls(user=user, request_id=request_id)

    @classmethod
    def for_api_key(cls, api_key, request_id: str = "") -> "Actor":
        perms = frozenset().union(*(SCOPE_PERMISSIONS.get(s, frozenset()) for s in api_key.scopes))
        return cls(api_key=api_key, request_id=request_id, _perms=perms)

    @classmethod
    def for_system(cls, request_id: str = "") -> "Actor":
        return cls(system=True, request_id=request_id, _perms=SYSTEM_PERMISSIONS)

    @classmethod
    def for_network(cls, network: str) -> "Actor":
        """The actor of what a card network sends (SPEC 12): a system actor labelled `network:<name>`."""
        return cls(system=True, network=network, _perms=NETWORK_PERMISSIONS)

    @property
    def label(self) -> str:
        if self.network:
            return f"network:{self.network}"
        if self.user is not None:
            return f"user:{self.user.get_username()}"
        if self.api_key is not None:
            return f"api_key:{self.api_key.prefix}"
        return "system"

    @property
    def is_authenticated(self) -> bool:
        return True

    def has_perm(self, perm: str, obj=None) -> bool:
        if perm in SYSTEM_ONLY_PERMISSIONS and not self.system:
            return False  # the deadline sweep's step, not a person's, not even a superuser's
        if self.user is not None:
            return self.user.has_perm(perm)
        return perm in self._perms


def actor_for(request) -> Actor:
    """The actor of a request, whichever door it came in by: the API key's (the native API's
    authentication makes it the request's `user`), else the signed-in user's, built once per
    request with the request id so every door records the same label."""
    if isinstance(request.user, Actor):
        return request.user
    cached = getattr(request, "_disputes_actor", None)
    if cached is None or cached.user is not request.user:
        cached = Actor.for_user(request.user, request_id=getattr(request, "id", ""))
        request._disputes_actor = cached
    return cached
