"""The web app's scripts and styles are sent compressed to a browser that accepts it."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_scripts_and_styles_are_sent_gzip_compressed_when_accepted(web: TestClient) -> None:
    for path in ("/static/app.js", "/static/app.css"):
        plain = web.get(path, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and "content-encoding" not in plain.headers
        packed = web.get(path, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        # httpx decodes the body; what crossed the wire is the smaller one.
        assert packed.content == plain.content
        assert packed.num_bytes_downloaded < len(plain.content) / 2
