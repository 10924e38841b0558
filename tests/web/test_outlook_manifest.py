"""The Outlook add-in's manifest: generated for the public address, shaped as Office wants it,
and valid against Microsoft's XML schemas.

Schema validation needs Microsoft's XSD set (OfficeAppManifestV1_1.xsd and the files it
imports: OfficeAppBasicTypesV1_0, MailAppVersionOverridesV1_0/V1_1, TaskPaneAppVersionOverridesV1_0,
ContentAppVersionOverridesV1_0 — MS-OWEMXML appendix A). No npm or PyPI package ships them
(see docs/clients.md), so they are read from ``CORRESPONDENT_OFFICE_XSD_DIR`` (default
``build/office-xsd``, git-ignored) and never committed; without them that one test is skipped and
says so. The structural tests below always run.
"""

from __future__ import annotations

import os
import struct
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from correspondent.bootstrap import Installation
from tests.web.browser_support import REPO
from tests.web.conftest import TestClient

PUBLIC = "https://crm.example.org"
OFFICE = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
MAILOR = "{http://schemas.microsoft.com/office/mailappversionoverrides}"
MAILOR11 = "{http://schemas.microsoft.com/office/mailappversionoverrides/1.1}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSD_DIR = Path(os.environ.get("CORRESPONDENT_OFFICE_XSD_DIR", REPO / "build" / "office-xsd"))
# The MailApp sequence of OfficeAppManifestV1_1.xsd (the elements we use, in its order).
MAIL_APP_ORDER = [
    "Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description", "IconUrl",
    "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts", "Requirements", "FormSettings",
    "Permissions", "Rule", "DisableEntityHighlighting", "VersionOverrides",
]  # fmt: skip


def _manifest(client: TestClient, installation: Installation, public: str | None = PUBLIC) -> bytes:
    installation.settings = replace(installation.settings, public_url=public)
    answer = client.get("/addin/outlook/manifest.xml")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    return answer.content


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def test_manifest_is_an_outlook_mail_app_for_the_public_address(
    web: TestClient, installation: Installation
) -> None:
    root = ET.fromstring(_manifest(web, installation, PUBLIC + "/"))
    assert root.tag == f"{OFFICE}OfficeApp" and root.get(XSI_TYPE) == "MailApp"
    assert [_local(child.tag) for child in root] == MAIL_APP_ORDER
    assert root.find(f"{OFFICE}Hosts/{OFFICE}Host").get("Name") == "Mailbox"
    assert root.find(f"{OFFICE}Permissions").text == "ReadWriteMailbox"
    forms = {f.get(XSI_TYPE): f for f in root.iter(f"{OFFICE}Form")}
    assert set(forms) == {"ItemRead", "ItemEdit"}
    url_tags = {"SourceLocation", "IconUrl", "HighResolutionIconUrl", "Url", "Image"}
    every_url = [
        element.get("DefaultValue")
        for element in root.iter()
        if _local(element.tag) in url_tags and element.get("DefaultValue")
    ]
    assert every_url and all(url.startswith(PUBLIC + "/") for url in every_url), every_url


def test_commands_track_opens_a_pinnable_pane_and_compose_has_set_regarding(
    web: TestClient, installation: Installation
) -> None:
    root = ET.fromstring(_manifest(web, installation))
    outer = root.find(f"{MAILOR}VersionOverrides")
    assert outer is not None and outer.get(XSI_TYPE) == "VersionOverridesV1_0"
    inner = outer.find(f"{MAILOR11}VersionOverrides")
    assert inner is not None and inner.get(XSI_TYPE) == "VersionOverridesV1_1"
    sets = inner.find(f"{MAILOR11}Requirements/{BT}Sets")
    assert sets.get("DefaultMinVersion") == "1.5"  # pinnable task panes
    points = {p.get(XSI_TYPE): p for p in inner.iter(f"{MAILOR11}ExtensionPoint")}
    assert set(points) == {"MessageReadCommandSurface", "MessageComposeCommandSurface"}
    resources = inner.find(f"{MAILOR11}Resources")
    defined = {e.get("id"): e for e in resources.iter() if e.get("id")}
    strings = {k: v.get("DefaultValue") for k, v in defined.items()}

    def button(surface: str) -> ET.Element:
        control = points[surface].find(f".//{MAILOR11}Control")
        assert control is not None and control.get(XSI_TYPE) == "Button"
        action = control.find(f"{MAILOR11}Action")
        assert action.get(XSI_TYPE) == "ShowTaskpane"
        return control

    read = button("MessageReadCommandSurface")
    assert strings[read.find(f"{MAILOR11}Label").get("resid")] == "Track"
    assert read.find(f"{MAILOR11}Action/{MAILOR11}SupportsPinning").text == "true"
    url_id = read.find(f"{MAILOR11}Action/{MAILOR11}SourceLocation").get("resid")
    assert strings[url_id] == f"{PUBLIC}/addin/outlook/pane.html"
    compose = button("MessageComposeCommandSurface")
    assert strings[compose.find(f"{MAILOR11}Label").get("resid")] == "Set Regarding"
    url_id = compose.find(f"{MAILOR11}Action/{MAILOR11}SourceLocation").get("resid")
    assert strings[url_id] == f"{PUBLIC}/addin/outlook/compose.html"
    used = {e.get("resid") for e in inner.iter() if e.get("resid")}
    assert used <= set(defined), used - set(defined)
    japanese = {
        s.get("id"): s.find(f"{BT}Override[@Locale='ja-JP']").get("Value")
        for s in resources.iter(f"{BT}String")
    }
    assert japanese["regardingLabel"] == "関連レコードを設定"
    assert japanese["trackLabel"] == "追跡"


def test_the_add_in_id_is_stable_per_server_and_differs_between_servers(
    web: TestClient, installation: Installation
) -> None:
    first = ET.fromstring(_manifest(web, installation)).find(f"{OFFICE}Id").text
    again = ET.fromstring(_manifest(web, installation)).find(f"{OFFICE}Id").text
    other = ET.fromstring(_manifest(web, installation, "https://other.example")).find(f"{OFFICE}Id")
    assert first == again and first != other.text


@pytest.mark.parametrize("public", [None, "http://crm.example.org", "crm.example.org"])
def test_without_a_public_https_address_the_manifest_says_what_to_set(
    web: TestClient, installation: Installation, public: str | None
) -> None:
    installation.settings = replace(installation.settings, public_url=public)
    answer = web.get("/addin/outlook/manifest.xml")
    assert answer.status_code == 503
    assert "CORRESPONDENT_PUBLIC_URL" in answer.text and "https://" in answer.text


def test_icons_are_pngs_of_their_size(web: TestClient) -> None:
    for size in (16, 32, 64, 80, 128):
        answer = web.get(f"/addin/outlook/icon-{size}.png")
        assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
        assert answer.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", answer.content[16:24]) == (size, size)
    assert web.get("/addin/outlook/icon-17.png").status_code == 404


def test_manifest_is_valid_against_microsofts_schema(
    web: TestClient, installation: Installation
) -> None:
    root_schema = XSD_DIR / "OfficeAppManifestV1_1.xsd"
    if not root_schema.is_file():
        pytest.skip(
            f"Microsoft's manifest XSDs are not in {XSD_DIR} (no npm or PyPI package ships "
            "them; docs/clients.md says where to get them)"
        )
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(root_schema)))
    document = etree.fromstring(_manifest(web, installation))
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)
