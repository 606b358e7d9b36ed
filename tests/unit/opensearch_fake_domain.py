"""A recording stand-in for an OpenSearch domain's API on 127.0.0.1, shared by the data-plane module tests: it
records every request, answers a configured failure, stores what is written, and leaves the GET answer (the shape
OpenSearch gives each API) to the test's subclass."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ansible.module_utils.urls import open_url
from ansible_collections.mosaic.platform.plugins.module_utils.data_search import signed_caller
from botocore.credentials import Credentials

SECRET, TOKEN = "wJalrXUtnFEMI-secret", "session-token-value"
CREDENTIALS = Credentials("AKIDEXAMPLE", SECRET, TOKEN)


class RecordingDomain(BaseHTTPRequestHandler):
    """Subclasses answer GET in get(path, stored, state); a write stores its body under the path and is acknowledged
    with write_answer."""

    write_answer = {"acknowledged": True}

    def answer(self, status, body=None):
        data = json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def get(self, path, stored, state):
        raise NotImplementedError

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        state = self.server.state
        state["requests"].append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        if state.get("fail"):
            return self.answer(state["fail"], {"error": "no permissions"})
        path = self.path.split("?")[0].strip("/")
        if self.command == "GET":
            if path not in state["objects"]:
                return self.answer(404, {"status": "NOT_FOUND"})
            return self.answer(200, self.get(path, json.loads(json.dumps(state["objects"][path])), state))
        state["objects"][path] = body
        state["seq_no"] += 1
        return self.answer(200, self.write_answer)

    do_GET = do_PUT = do_POST = _handle

    def log_message(self, *args):  # keep the test output quiet
        pass


def serve(handler):
    """Run ``handler`` on a free loopback port; yield (a signed caller for it, its state); stop it afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.state = {"requests": [], "objects": {}, "seq_no": 0}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield signed_caller(CREDENTIALS, "eu-west-1", f"http://127.0.0.1:{server.server_port}", 5, open_url), server.state
    server.shutdown()
    server.server_close()


def requests(state):
    """The (method, path) of the requests since the last look."""
    seen = [(r["method"], r["path"]) for r in state["requests"]]
    state["requests"].clear()
    return seen
