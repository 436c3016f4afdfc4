"""Only nginx's public port may listen beyond localhost (here: every port of the cluster, on loopback)."""
from pathlib import Path

import requests

LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def listening(port: int):
    """Local addresses listening on `port`, from /proc/net/tcp and tcp6 (Linux)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(address)
    return found


def test_rasa_actions_web_and_internal_nginx_listen_on_loopback_only(cluster):
    ports = cluster.ports
    for port in (*ports.rasa_ports, ports.actions_port, ports.web_port, ports.internal_port,
                 ports.public_port, ports.public_http_port, cluster.postgres.port, cluster.redis.port):
        addresses = listening(port)
        assert addresses, f"nothing listens on {port}"
        assert set(addresses) == {LOOPBACK_V4}, (port, addresses)


def test_the_public_site_is_https_with_hsts_secure_cookies_and_a_redirect(cluster):
    page = requests.get(f"{cluster.public_url}/console/login", verify=str(cluster.ca_file), timeout=10)
    assert page.ok
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "secure" in page.headers["Set-Cookie"].lower()  # COOKIE_SECURE behind HTTPS
    plain = requests.get(f"{cluster.public_http_url}/console/login", allow_redirects=False, timeout=10)
    assert plain.status_code == 308
    assert plain.headers["Location"] == f"{cluster.public_url}/console/login"
