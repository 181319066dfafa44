"""The gateways' JSON transport against a real HTTP server on loopback: what reaches the caller as a
reply, what as a GatewayError (so that the submission is retried after a lookup), and connections
kept alive between calls."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cases.gateways.base import GatewayError
from cases.gateways.transport import JsonTransport


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections: set = set()

    def _answer(self, status: int, body: bytes, content_type: str = "application/json", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        Handler.connections.add(self.client_address)
        if self.path == "/slow":
            time.sleep(1.5)
            self._answer(200, b"{}")
        elif self.path == "/broken":
            self._answer(500, b'{"errors": [{"code": "E", "message": "down"}]}')
        elif self.path == "/html":
            self._answer(200, b"<html>maintenance</html>", "text/html")
        elif self.path == "/moved":
            self._answer(302, b"", Location="http://169.254.169.254/")
        elif self.path == "/locked":
            self._answer(401, b'{"errors": [{"code": "UNAUTHORIZED", "message": "no"}]}')
        else:
            self._answer(200, json.dumps({"path": self.path}).encode())

    def do_POST(self):  # noqa: N802
        Handler.connections.add(self.client_address)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(422, json.dumps({"got": json.loads(body), "type": self.headers["Content-Type"]}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_json_replies_whatever_the_status_below_500(server):
    transport = JsonTransport("Test", server, timeout=5)
    assert transport.call("GET", "/v1/x", params={"limit": 2}).body == {"path": "/v1/x?limit=2"}
    reply = transport.call("POST", "/v1/y", {"a": 1})
    assert (reply.status, reply.body) == (422, {"got": {"a": 1}, "type": "application/json"})


def test_connections_are_kept_alive(server):
    Handler.connections.clear()
    transport = JsonTransport("Test", server, timeout=5)
    for _ in range(5):
        transport.call("GET", "/ping")
    assert len(Handler.connections) == 1


@pytest.mark.parametrize(("path", "message"), [
    ("/slow", "Test did not answer GET /slow in time"),
    ("/broken", "Test answered GET /broken with HTTP 500"),
    ("/html", "Test answered GET /html with a body that is not JSON (HTTP 200)"),
    ("/locked", "Test refused the credentials for GET /locked (HTTP 401: UNAUTHORIZED: no)"),
])
def test_failures_are_gateway_errors(server, path, message):
    with pytest.raises(GatewayError) as raised:
        JsonTransport("Test", server, timeout=0.5).call("GET", path)
    assert str(raised.value) == message


def test_a_redirect_is_not_followed(server):
    reply = JsonTransport("Test", server, timeout=5).call("GET", "/moved")
    assert (reply.status, reply.body) == (302, None)


def test_an_unreachable_network(server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: the connection is refused
        with pytest.raises(GatewayError, match=r"^Test could not be reached \(\w+\)$"):
            JsonTransport("Test", f"http://127.0.0.1:{port}", timeout=2).call("GET", "/")


def test_no_base_url():
    with pytest.raises(GatewayError, match="not configured"):
        JsonTransport("Test", "", timeout=2).call("GET", "/")
