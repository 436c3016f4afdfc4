"""What the container cluster shows to the outside: only nginx publishes ports, on 127.0.0.1;
HTTPS with HSTS and secure cookies, plain HTTP only redirects; nginx's per-address limits hold
for a visitor's address and spare this machine's (unlimited-addresses.conf)."""
import json
from collections import Counter

import requests

from deploy.podman.cluster import LABEL, NETWORK, podman

# 200 requests in a row on one keep-alive connection, from a container of its own on the cluster's
# network: a visitor with an address of its own, not in unlimited-addresses.conf. (A proxied path:
# nginx's own /health answers before the limits are counted.)
VISITOR_REQUESTS = """
import collections, http.client, json, ssl
connection = http.client.HTTPSConnection("nginx", 8443, timeout=10, context=ssl._create_unverified_context())
statuses = collections.Counter()
for _ in range(200):
    connection.request("GET", "/console/login")
    response = connection.getresponse()
    response.read()
    statuses[response.status] += 1
print(json.dumps(statuses))
"""


def test_only_nginx_publishes_ports_and_only_on_loopback(cluster):
    containers = json.loads(podman("ps", "--filter", f"label={LABEL}", "--format", "json").stdout)
    published = {c["Names"][0]: [(p["host_ip"], p["host_port"]) for p in c.get("Ports") or []]
                 for c in containers}
    nginx = cluster.find("nginx").name
    assert sorted(published.pop(nginx)) == [("127.0.0.1", 8080), ("127.0.0.1", 8443)]
    assert all(ports == [] for ports in published.values()), published
    assert len(published) == len([c for c in cluster.containers if c.kind != "Job"]) - 1


def test_the_public_site_is_https_with_hsts_secure_cookies_and_a_redirect(cluster):
    page = requests.get(f"{cluster.public_url}/console/login", verify=str(cluster.ca_file), timeout=10)
    assert page.ok
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "secure" in page.headers["Set-Cookie"].lower()  # COOKIE_SECURE behind HTTPS
    plain = requests.get(f"{cluster.public_http_url}/console/login", allow_redirects=False, timeout=10)
    assert plain.status_code == 308
    assert plain.headers["Location"] == f"{cluster.public_url}/console/login"


def test_nginx_limits_a_visitor_address_and_spares_this_machine(cluster):
    visitor = Counter({int(k): v for k, v in json.loads(podman(
        "run", "--rm", "--network", NETWORK, "--user", "10001", cluster.image, "python", "-c",
        VISITOR_REQUESTS).stdout).items()})
    assert visitor[200] >= 60 and visitor[429] > 0, visitor  # the burst passes, then 429
    local = Counter()
    with requests.Session() as session:
        for _ in range(200):
            local[session.get(f"{cluster.public_url}/console/login", verify=str(cluster.ca_file), timeout=10).status_code] += 1
    assert local == Counter({200: 200}), local
