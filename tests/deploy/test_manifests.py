"""deploy/k8s/ checked offline: valid for a pinned Kubernetes version (kubernetes-validate --strict,
in its own venv: `make validate-manifests`), probes and resources on every container, and the
ConfigMaps the same as what the code and config/ say."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.chat.texts import UNAVAILABLE
from bot.config import REPO_ROOT
from bot.danish import enumerate_da
from deploy.podman.cluster import Cluster, load_manifests
from tests.services import services_required

KUBERNETES_VERSION = "1.31.0"  # the version the manifests are written for (docs/deploy.md)
VALIDATOR = REPO_ROOT / "var" / "validate-venv" / "bin" / "kubernetes-validate"
MANIFESTS = REPO_ROOT / "deploy" / "k8s"
# What nginx answers Rasa in the action server's place: existing domain.yml responses.
ACTIONS_UNAVAILABLE_RESPONSES = ("utter_unavailable", "utter_contact_channels")


def validate(*paths: Path) -> subprocess.CompletedProcess:
    if not VALIDATOR.exists():
        message = f"{VALIDATOR} is missing: make validate-manifests installs it"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run([str(VALIDATOR), "--strict", "--quiet", "--kubernetes-version", KUBERNETES_VERSION,
                           *map(str, paths)], capture_output=True, text=True)


def workloads():
    for (kind, name), document in load_manifests().items():
        spec = document.get("spec") or {}
        if kind == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        if "template" in spec:
            yield kind, name, spec["template"]["spec"]


def test_every_manifest_is_valid_for_the_pinned_kubernetes_version():
    result = validate(*sorted(MANIFESTS.glob("*.yaml")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validation_rejects_an_unknown_field_and_a_wrong_type(tmp_path):
    rasa = yaml.safe_load_all((MANIFESTS / "rasa.yaml").read_text())
    deployment = next(doc for doc in rasa if doc["kind"] == "Deployment")
    deployment["spec"]["replica"] = 2  # a misspelt field: --strict refuses it
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text(yaml.safe_dump(deployment))
    deployment["spec"].pop("replica")
    deployment["spec"]["replicas"] = "two"
    mistyped = tmp_path / "mistyped.yaml"
    mistyped.write_text(yaml.safe_dump(deployment))
    for path in (misspelt, mistyped):
        assert validate(path).returncode != 0, path.name


def test_every_long_running_container_has_readiness_and_liveness_probes_and_resources():
    for kind, name, pod in workloads():
        for container in pod["containers"]:
            resources = container.get("resources") or {}
            assert resources.get("requests", {}).get("memory"), (name, "memory request")
            assert resources.get("limits", {}).get("memory"), (name, "memory limit")
            if kind in ("Deployment", "StatefulSet"):
                assert container.get("readinessProbe") and container.get("livenessProbe"), name


def test_rasa_runs_replicated_and_the_handoff_watch_exactly_once():
    manifests = load_manifests()
    assert manifests[("Deployment", "rasa")]["spec"]["replicas"] >= 2
    watch = manifests[("Deployment", "handoff-watch")]["spec"]
    assert watch["replicas"] == 1 and watch["strategy"]["type"] == "Recreate"
    web = manifests[("Deployment", "web")]["spec"]["template"]["spec"]["containers"][0]
    assert "--no-handoff-watch" in web["command"], "the web servers leave the watch to its own Deployment"
    purge = manifests[("CronJob", "evejleder-purge")]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert purge["containers"][0]["command"] == ["python", "-m", "bot", "purge"]


def test_app_containers_run_as_the_images_non_root_user():
    for _, name, pod in workloads():
        if pod["containers"][0]["image"] == "localhost/evejleder:dev":
            security = pod.get("securityContext") or {}
            assert security.get("runAsNonRoot") and security.get("runAsUser") == 10001, name


def test_the_configmap_carries_config_as_it_is_in_the_repository():
    files = Cluster().configmap("evejleder-files")
    for name in ("opening_hours.yml", "handoff.yml"):
        assert files[name] == (REPO_ROOT / "config" / name).read_text(encoding="utf-8"), name


def test_nginx_fallback_answers_are_the_chats_own_words(database_url):
    """The apology nginx sends Rasa in the action server's place names the article's contact channels
    with existing domain.yml responses; a failing Rasa gives the chat's own error."""
    from bot.db import make_engine, make_session_factory
    from bot.knowledge.ingest import ingest_file
    from bot.knowledge.store import KnowledgeStore

    engine = make_engine(database_url)
    ingest_file(make_session_factory(engine), REPO_ROOT / "data" / "articles" / "leder.txt", slug="leder")
    channels = KnowledgeStore(make_session_factory(engine)).contact_channels("leder")
    engine.dispose()
    conf = Cluster().configmap("nginx-config")["nginx.conf"]
    actions = json.loads(re.search(r"return 200 '(.*)';", conf).group(1))
    assert actions == {"events": [], "responses": [
        {"response": "utter_unavailable"},
        {"response": "utter_contact_channels", "channels": enumerate_da(channels, "eller")}]}
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name in ACTIONS_UNAVAILABLE_RESPONSES:
        assert name in domain["responses"], name
    assert "{channels}" in domain["responses"]["utter_contact_channels"][0]["text"]
    rest = json.loads(re.search(r"return 503 '(.*)';", conf).group(1))
    assert rest == {"error": UNAVAILABLE}


def test_nginx_accepts_its_configuration(tmp_path):
    """`nginx -t` on the ConfigMap's files at the paths the Deployment mounts them, in Debian's nginx
    (the same major version as the image the manifest names)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        if services_required():
            pytest.fail("nginx is missing: apt-get install nginx-light")
        pytest.skip("nginx is not installed")
    config = Cluster().configmap("nginx-config")
    conf = config["nginx.conf"].replace("/tmp/", f"{tmp_path}/").replace(
        "/etc/evejleder-nginx/", f"{tmp_path}/").replace("/etc/evejleder-tls/", f"{tmp_path}/")
    (tmp_path / "unlimited-addresses.conf").write_text(config["unlimited-addresses.conf"])
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t",
                    "-keyout", str(tmp_path / "tls.key"), "-out", str(tmp_path / "tls.crt")],
                   check=True, capture_output=True)
    # The upstreams' names resolve only inside the cluster: here they are this machine.
    conf = re.sub(r"server (rasa|rasa-rest|actions|web):", "server 127.0.0.1:", conf)
    (tmp_path / "nginx.conf").write_text(conf)
    result = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
