"""The generated cluster configuration: Rasa's endpoints and nginx's config (no servers started)."""
import dataclasses
import http.client
import json
import os
import re
import ssl
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import requests
import yaml

from bot.cluster import (
    ACTIONS_UNAVAILABLE_RESPONSES, ClusterPorts, actions_unavailable_body, rasa_endpoints,
    redis_lock_store, write_cluster_config,
)
from bot.config import REPO_ROOT, settings
from bot.db import migrate
from bot.launch import commands
from bot.launch.cluster import private_ports
from bot.launch.commands import NGINX
from bot.launch.process import ProcessGroup, child_environment
from bot.launch.tls import self_signed_certificate
from tests.services import services_required


def test_redis_url_becomes_rasa_lock_store_fields():
    assert redis_lock_store("redis://:s3cret@cache.internal:6390/2") == {
        "type": "bot.lock_store.AtomicRedisLockStore", "url": "cache.internal", "port": 6390, "db": 2, "key_prefix": "evejleder",
        "password": "s3cret"}
    assert redis_lock_store("redis://localhost")["port"] == 6379


def test_endpoints_need_both_shared_stores():
    config = dataclasses.replace(settings(), tracker_database_url=None, redis_url="redis://localhost/0")
    with pytest.raises(ValueError, match="TRACKER_DATABASE_URL"):
        rasa_endpoints(config, ClusterPorts())
    config = dataclasses.replace(config, tracker_database_url="postgresql://u@h/t", redis_url=None)
    with pytest.raises(ValueError, match="REDIS_URL"):
        rasa_endpoints(config, ClusterPorts())


def test_actions_fallback_uses_existing_domain_responses_and_the_channels():
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name in ACTIONS_UNAVAILABLE_RESPONSES:
        assert name in domain["responses"], name
    assert "{channels}" in domain["responses"]["utter_contact_channels"][0]["text"]
    body = json.loads(actions_unavailable_body(["telefon", "mail", "chat"]))
    assert body["events"] == []
    assert body["responses"][-1] == {"response": "utter_contact_channels", "channels": "telefon, mail eller chat"}


def test_written_config_is_accepted_by_nginx(tmp_path, database_url):
    if not os.path.exists(NGINX):
        if services_required():
            pytest.fail("nginx is missing: apt-get install nginx-light")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    from bot.db import make_engine, make_session_factory
    from bot.knowledge.ingest import ingest_file
    engine = make_engine(database_url)
    ingest_file(make_session_factory(engine), REPO_ROOT / "data" / "articles" / "leder.txt", slug="leder")
    engine.dispose()
    config = dataclasses.replace(settings(), database_url=database_url, job_slug="leder",
                                 tracker_database_url="postgresql://u:pw@127.0.0.1/tracker",
                                 redis_url="redis://127.0.0.1:6380/0")
    ports = ClusterPorts(public_host="127.0.0.1", public_port=18081, rasa_ports=(15101, 15102))
    endpoints, nginx = write_cluster_config(tmp_path, ports, config)
    assert yaml.safe_load(endpoints.read_text())["tracker_store"]["url"] == "postgresql://u:pw@127.0.0.1/tracker"
    text = nginx.read_text(encoding="utf-8")
    assert not re.search(r"@[A-Z_]+@", text), "every placeholder is filled"
    fallback = re.search(r"return 200 '(.*)';", text).group(1)
    assert "utter_contact_channels" in json.loads(fallback.replace("\\'", "'"))["responses"][-1]["response"]
    result = subprocess.run([NGINX, "-t", "-q", "-p", str(nginx.parent), "-c", str(nginx),
                             "-e", str(nginx.parent / "error.log")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _statuses(port: int, cert: Path, source: str, count: int) -> Counter:
    """HTTP statuses of `count` HTTPS requests in a row on one keep-alive connection from `source`."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, source_address=(source, 0),
                                             context=ssl.create_default_context(cafile=str(cert)))
    statuses: Counter = Counter()
    try:
        for _ in range(count):
            connection.request("GET", "/console/login")
            response = connection.getresponse()
            response.read()
            statuses[response.status] += 1
    finally:
        connection.close()
    return statuses


@pytest.fixture
def lone_nginx(tmp_path):
    """nginx with a generated config and nothing behind it: every proxied request gets 502."""
    if not os.path.exists(NGINX):
        if services_required():
            pytest.fail("nginx is missing: apt-get install nginx-light")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    config = dataclasses.replace(settings(), database_url=f"sqlite:///{tmp_path / 'empty.db'}",
                                 tracker_database_url="sqlite:///unused", redis_url="redis://127.0.0.1/0")
    migrate(config.database_url)
    ports = private_ports()
    tls = self_signed_certificate(tmp_path / "tls")
    _, conf = write_cluster_config(tmp_path, ports, config, tls)
    nginx = ProcessGroup(tmp_path, child_environment())
    try:
        nginx.spawn("nginx", commands.nginx(conf), ports.internal_url)
        yield ports, tls[0]
    finally:
        nginx.stop_all()


def test_nginx_limits_requests_per_address_and_exempts_loopback(lone_nginx):
    ports, cert = lone_nginx
    # Another loopback address stands in for a visitor: Linux routes all of 127/8 locally.
    visitor = _statuses(ports.public_port, cert, "127.0.0.2", 200)
    local = _statuses(ports.public_port, cert, "127.0.0.1", 200)
    assert visitor[429] > 0 and visitor[502] >= 60, visitor  # the burst passes, then 429
    assert local == Counter({502: 200}), local


def test_nginx_redirects_plain_http_to_https_and_sends_hsts(lone_nginx):
    ports, cert = lone_nginx
    plain = requests.get(f"http://127.0.0.1:{ports.public_http_port}/console?x=1", allow_redirects=False,
                         timeout=10)
    assert plain.status_code == 308
    assert plain.headers["Location"] == f"https://127.0.0.1:{ports.public_port}/console?x=1"
    secure = requests.get(f"https://127.0.0.1:{ports.public_port}/console/login", verify=str(cert),
                          timeout=10)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
