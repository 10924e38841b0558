"""The Outlook add-in's files as Outlook fetches them: pages under a CSP that lets Office.js in
from Microsoft's CDN and Outlook on the web frame them, scripts and catalogues from the
repository's clients/ folder, nothing else; the sign-in dialog behind the web app's sign-in."""

from __future__ import annotations

from tests.web.conftest import TestClient, WebUser, post_sign_in


def test_the_panes_allow_office_js_and_outlook_frames_and_nothing_more(web: TestClient) -> None:
    for page in ("pane", "compose"):
        answer = web.get(f"/addin/outlook/{page}.html")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self' https://appsforoffice.microsoft.com;" in csp
        assert "connect-src 'self'" in csp and "unsafe" not in csp
        assert "frame-ancestors 'self' https://outlook.office.com" in csp
        assert "x-frame-options" not in answer.headers
        assert (
            '<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js">'
            in answer.text
        )
    assert web.get("/addin/outlook/other.html").status_code == 404


def test_scripts_and_catalogues_come_from_the_clients_folder(web: TestClient) -> None:
    for path in (
        "app/pane.js",
        "app/compose.js",
        "app/office-host.js",
        "shared/api.js",
        "shared/pane.js",
    ):
        answer = web.get(f"/addin/outlook/{path}")
        assert answer.status_code == 200, path
        assert answer.headers["content-type"].startswith("text/javascript")
    for which in ("thunderbird", "outlook"):
        for language in ("en", "ja"):
            answer = web.get(f"/addin/outlook/locales/{which}/{language}.json")
            assert answer.status_code == 200 and answer.json()
    for refused in ("app/../pyproject.toml", "app/manifest.json", "shared/test", "other/api.js"):
        assert web.get(f"/addin/outlook/{refused}").status_code == 404, refused
    assert web.get("/addin/outlook/locales/outlook/fr.json").status_code == 404


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "clients" / "outlook" / "_locales"
    en = json.loads((root / "en" / "messages.json").read_text(encoding="utf-8"))
    ja = json.loads((root / "ja" / "messages.json").read_text(encoding="utf-8"))
    assert en.keys() == ja.keys()
    for key, entry in en.items():
        assert entry.get("placeholders", {}).keys() == ja[key].get("placeholders", {}).keys(), key


def test_the_sign_in_dialog_needs_the_web_session_then_issues_a_token(
    web: TestClient, rep: WebUser
) -> None:
    first = web.get("/addin/outlook/sign-in", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/sign-in?next=")
    post_sign_in(web, rep, "/addin/outlook/sign-in")
    page = web.get("/addin/outlook/sign-in")
    assert page.status_code == 200 and "Allow" in page.text
    assert "data-token" not in page.text
    refused = web.post("/addin/outlook/sign-in", data={"csrf_token": "wrong"})
    assert refused.status_code in (400, 403)
    from tests.web.conftest import form_token

    approved = web.post("/addin/outlook/sign-in", data={"csrf_token": form_token(page.text)})
    assert approved.status_code == 200
    token = approved.text.split('data-token="', 1)[1].split('"', 1)[0]
    assert token.startswith("cor_")
    me = web.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}, cookies={})
    assert me.status_code == 200 and me.json()["user"]["email"] == rep.user.email


def test_node_unit_tests_of_the_outlook_add_in_pass() -> None:
    import re
    import shutil
    import subprocess
    from pathlib import Path

    node = shutil.which("node")
    assert node is not None, "node is not installed (apt-get install -y nodejs)"
    result = subprocess.run(
        [node, "--test", "outlook/test/"],
        cwd=Path(__file__).resolve().parents[2] / "clients",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"^# fail 0$", result.stdout, re.M), result.stdout[-2000:]
    assert re.search(r"^# pass [1-9]", result.stdout, re.M), result.stdout[-2000:]
