"""Unknown paths under /api/ answer 404 as problem+json, like every other API error, whatever the
method: the catch-all is exempt from CSRF, so a POST with an API key is a 404, never Django's
HTML 403 page."""

from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

from ..errors import render_problem


@csrf_exempt
def not_found(request, path=""):
    return render_problem(request, Http404())
