"""Unknown paths under /api/v1/ answer 404 as problem+json, like every other API error."""

from django.http import Http404

from ..errors import render_problem


def not_found(request, path=""):
    return render_problem(request, Http404())
