"""The simulator's HTTP server: Django's WSGI handler with the simulator's own URLs and a short
middleware list, served on loopback by Django's threaded WSGI server (one process), or by gunicorn
with several worker processes (`--workers`) when throughput matters (benchmarks). With several
processes each keeps its own memory of OAuth nonces, so a nonce replayed to another process is not
caught; the signature, body hash and timestamp checks are the same."""

from __future__ import annotations

import ipaddress

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test.utils import override_settings

MIDDLEWARE = ["cases.web.middleware.RequestIdMiddleware", "django.middleware.common.CommonMiddleware"]
# Mastercom accepts up to 22,000,000 base64 characters of file; the body may hold that and more.
MAX_BODY = 32 * 1024 * 1024


def application() -> WSGIHandler:
    """The simulator's WSGI application (settings switched for this process only)."""
    override_settings(ROOT_URLCONF="network_simulator.urls", MIDDLEWARE=MIDDLEWARE,
                      DATA_UPLOAD_MAX_MEMORY_SIZE=MAX_BODY, APPEND_SLASH=False).enable()
    return WSGIHandler()


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class RequestHandler(WSGIRequestHandler):
    # Headers and body leave in separate writes: without TCP_NODELAY each keep-alive request would
    # wait for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True


def serve(host: str, port: int) -> None:
    if not is_loopback(host):
        raise ValueError("the network simulator listens on loopback only")
    server = ThreadedWSGIServer((host, port), RequestHandler, ipv6=":" in host)
    server.daemon_threads = True
    server.set_app(application())
    server.serve_forever()


def serve_processes(host: str, port: int, workers: int, threads: int = 8) -> None:
    """gunicorn (gthread workers; TCP_NODELAY set by gunicorn) with the same application."""
    if not is_loopback(host):
        raise ValueError("the network simulator listens on loopback only")
    from gunicorn.app.base import BaseApplication

    class Simulator(BaseApplication):
        def load_config(self):
            options = {"bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}", "workers": workers,
                       "threads": threads, "worker_class": "gthread", "keepalive": 30, "timeout": 120,
                       "accesslog": None, "loglevel": "warning", "proc_name": "network-simulator"}
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return application()

    Simulator().run()
