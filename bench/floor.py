"""The floor: the least a write request can cost on this stack.

A view that parses a JSON body and inserts one row, behind the same middleware, gunicorn workers
and database as the real doors. Every intake figure is reported as a ratio to it.
"""

import json

from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_floor"
CREATE_TABLE = f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, payload jsonb NOT NULL, " \
               "created timestamptz NOT NULL DEFAULT now())"


@csrf_exempt
@require_POST
def floor(request):
    try:
        document = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (payload) VALUES (%s) RETURNING id", [json.dumps(document)])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
