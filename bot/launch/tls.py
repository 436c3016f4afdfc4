"""The cluster's TLS certificate: from TLS_CERT and TLS_KEY, or a self-signed one for local runs."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Tuple

# Browsers warn about a self-signed certificate; it is meant for this machine (localhost, 127.0.0.1).
SUBJECT_ALT_NAMES = "DNS:localhost,IP:127.0.0.1"


def self_signed_certificate(directory: Path, days: int = 30) -> Tuple[Path, Path]:
    """(certificate, key) in `directory`, made with openssl unless both are there already."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not (cert.exists() and key.exists()):
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                        "-days", str(days), "-subj", "/CN=localhost",
                        "-addext", f"subjectAltName={SUBJECT_ALT_NAMES}",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        key.chmod(0o600)
    return cert, key


def certificate(directory: Path) -> Tuple[Path, Path]:
    """TLS_CERT and TLS_KEY when both are set, else a self-signed pair in `directory`."""
    cert, key = os.environ.get("TLS_CERT"), os.environ.get("TLS_KEY")
    if cert and key:
        return Path(cert).resolve(), Path(key).resolve()
    return self_signed_certificate(directory)
