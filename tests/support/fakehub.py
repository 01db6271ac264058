"""A Hugging Face hub on 127.0.0.1 that serves folders as model repositories: enough of the API for the hub client.

It answers what ``huggingface_hub`` asks when ``summarise.models._hub`` downloads a model:
the model info (``/api/models/ID[/revision/REV]``), the file tree
(``/api/models/ID/tree/REV``) and the files (``HEAD``/``GET /ID/resolve/REV/FILE``),
and records every request so that tests can say what was fetched.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "1111111111111111111111111111111111111111"


@dataclass
class FakeHub:
    repos: dict[str, dict[str, bytes]]  # repo id -> file name -> content
    requests: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def fetched(self) -> list[str]:
        """File names whose content was sent (GET of a resolve URL)."""
        return [path.rsplit("/", 1)[-1] for method, path in self.requests if method == "GET" and "/resolve/" in path]


def serve(repos: dict[str, Path | dict[str, bytes]]):
    """Start a hub for ``repos`` (id -> folder, or id -> {file: bytes}); returns (FakeHub, stop)."""
    files = {}
    for repo, source in repos.items():
        if isinstance(source, Path):
            source = {p.name: p.read_bytes() for p in sorted(source.iterdir()) if p.is_file()}
        files[repo] = source
    hub = FakeHub(files)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet: the tests read hub.requests
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            hub.requests.append((self.command, path))
            if path == "/":
                return self._send(200, b"fake hub", "text/plain", head)
            match = re.fullmatch(r"/api/models/(.+?)(?:/revision/([^/]+))?", path)
            if match and match.group(1) in hub.repos:
                repo = match.group(1)
                info = {"id": repo, "modelId": repo, "sha": COMMIT, "private": False,
                        "siblings": [{"rfilename": name} for name in hub.repos[repo]]}
                return self._send(200, json.dumps(info).encode(), "application/json", head)
            match = re.fullmatch(r"/api/models/(.+?)/tree/([^/]+)(?:/.*)?", path)
            if match and match.group(1) in hub.repos:
                entries = [{"type": "file", "path": name, "size": len(data), "oid": hashlib.sha1(data).hexdigest()}
                           for name, data in hub.repos[match.group(1)].items()]
                return self._send(200, json.dumps(entries).encode(), "application/json", head)
            match = re.fullmatch(r"/(.+?)/resolve/([^/]+)/(.+)", path)
            if match and match.group(1) in hub.repos and match.group(3) in hub.repos[match.group(1)]:
                data = hub.repos[match.group(1)][match.group(3)]
                headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha1(data).hexdigest()}"'}
                return self._send(200, data, "application/octet-stream", head, headers)
            self._send(404, b'{"error": "Repository not found"}', "application/json", head, {"X-Error-Code": "RepoNotFound"})

        def _send(self, status: int, body: bytes, kind: str, head: bool, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return hub, stop
