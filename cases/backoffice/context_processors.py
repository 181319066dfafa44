"""What every back-office page's navigation shows beyond the user: the saved queue views."""

from cases.services.saved_views import saved_views_for


def saved_views(request) -> dict:
    """The person's own views and the team's shared ones, as a lazy queryset: read (one query) only
    by a page that renders the navigation for a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_saved_views": ()}
    return {"nav_saved_views": saved_views_for(user)}
