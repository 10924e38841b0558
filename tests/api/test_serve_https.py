"""``correspondent serve --ssl-certfile --ssl-keyfile``: Correspondent serves HTTPS itself (for
the Outlook add-in, which Outlook loads only over https), with a certificate made here."""

from __future__ import annotations

import datetime as dt
import os
import socket
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.waiting import wait_until


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_over_https_with_the_given_certificate(tmp_path: Path) -> None:
    cert_file, key_file = _self_signed(tmp_path)
    port = _free_port()
    env = {
        **os.environ,
        "CORRESPONDENT_DATA_DIR": str(tmp_path / "data"),
        "CORRESPONDENT_PUBLIC_URL": f"https://localhost:{port}",
    }
    env.pop("CORRESPONDENT_DATABASE_URL", None)
    command = [
        sys.executable, "-m", "correspondent.cli.main", "serve", "--port", str(port),
        "--no-demo", "--no-sync", "--ssl-certfile", str(cert_file), "--ssl-keyfile", str(key_file),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    context = ssl.create_default_context(cafile=str(cert_file))
    bodies: list[bytes] = []
    try:

        def manifest() -> bool:
            try:
                with urllib.request.urlopen(
                    f"https://localhost:{port}/addin/outlook/manifest.xml", context=context
                ) as answer:
                    bodies.append(answer.read())
                    return True
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                return False

        wait_until(manifest, timeout=120, what="the HTTPS server to answer", interval=0.5)
        assert f"https://localhost:{port}/addin/outlook/pane.html".encode() in bodies[0]
    finally:
        process.terminate()
        process.wait(30)


def test_one_tls_flag_alone_is_refused(tmp_path: Path) -> None:
    cert_file, _ = _self_signed(tmp_path)
    env = {**os.environ, "CORRESPONDENT_DATA_DIR": str(tmp_path / "data")}
    env.pop("CORRESPONDENT_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "correspondent.cli.main", "serve", "--no-demo", "--no-sync",
         "--ssl-certfile", str(cert_file)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Give both --ssl-certfile and --ssl-keyfile" in done.stdout + done.stderr
