"""The back-office roles (SPEC section 7): groups `analyst` and `supervisor` and their permissions."""

from cases import lifecycle

_VIEW = ["view_case", "view_transaction", "view_merchant", "view_cardholder", "view_claim", "view_evidence",
         "view_caseevent"]
ANALYST_PERMISSIONS = _VIEW + ["add_case", "change_case", "add_case_note", "add_evidence", "change_case_amount",
                               "add_claim", "change_claim", "manage_provisional_credit", "take_case"] + list(
    lifecycle.ANALYST_TRANSITIONS)
SUPERVISOR_PERMISSIONS = ANALYST_PERMISSIONS + ["edit_case_deadlines", "mark_case_reviewed", "manage_webhooks",
                                                 "assign_case", "decide_approval",
                                                 "view_network_exceptions"] + [
    t for t in lifecycle.SUPERVISOR_TRANSITIONS if t not in lifecycle.ANALYST_TRANSITIONS
]
ROLES = {"analyst": ANALYST_PERMISSIONS, "supervisor": SUPERVISOR_PERMISSIONS}


def ensure_roles(group_model, permission_model) -> None:
    """Create or refresh the role groups. Takes the models so a migration can pass historical ones.

    In a migration (historical models) a permission of a model a later migration creates does not
    exist yet and is skipped; that later migration grants it (e.g. 0007_webhook_roles).
    """
    historical = group_model.__module__ == "__fake__"
    for role, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=role)
        perms = list(permission_model.objects.filter(content_type__app_label="cases", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing and not historical:
            raise RuntimeError(f"Missing permissions for role {role}: {sorted(missing)}")
        group.permissions.set(perms)
