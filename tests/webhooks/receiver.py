"""A real HTTP receiver for webhook tests: records every request and answers as scripted.

`Receiver(script)` listens on 127.0.0.1 on a free port in a thread. `script` is a list of
answers used in order, the last one repeating: an int status, ("status", headers), "hang"
(sleeps past the sender's timeout), or "close" (drops the connection without answering).
"""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, script=(200,), hang_seconds: float = 17.0):
        self.script = list(script) or [200]
        self.hang_seconds = hang_seconds
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with owner.lock:
                    index = len(owner.requests)
                    owner.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                           "body": body, "at": time.time()})
                    answer = owner.script[min(index, len(owner.script) - 1)]
                if answer == "hang":
                    time.sleep(owner.hang_seconds)
                    answer = 200  # too late: the sender has given up
                if answer == "close":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                reply = json.dumps({"ok": status < 300}).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                try:
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (its timeout) or was killed

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]
