"""deploy/k8s/ run under podman 4.3 on this machine: `make run-cluster`, the cluster tests and
`make bench-load`. The manifests are the one definition; this module reads them and runs what
they say with `podman run`, adapted only where podman 4.3 has no counterpart (docs/deploy.md,
"What make run-cluster adapts"):

- Services are network aliases on one named network (`evejleder`); a Service's port must equal
  its target port, so the alias alone is enough.
- Deployments and StatefulSets become `replicas` containers each, `podman run --restart=always`
  (the engine restarts what exits); each gets a fixed address on the network so that nginx,
  which resolves `rasa` once at start, finds a restarted replica where it was.
- ConfigMaps and Secrets become files under var/cluster/ (mounted read-only) and env files
  (so no secret is on a command line); `$(VAR)` in env, command and args is expanded as the
  kubelet does. The TLS Secret's placeholder becomes a self-signed pair for 127.0.0.1.
- A PersistentVolumeClaim template becomes a named podman volume; emptyDir a tmpfs.
- The Job runs to completion before the servers start; the CronJob is not scheduled here
  (`podman run ... python -m bot purge` is what it runs).
- The official postgres, redis and nginx images are replaced by a local image of Debian's own
  packages (deploy/image/build-services): no registry is reachable here.
- Probes are run from this machine, as the kubelet runs them from the node: readiness decides
  when `up` is done; liveness probes become podman healthchecks with `--health-on-failure=restart`
  where the image can run them (they act only where podman's timers run, i.e. with systemd).

    python -m deploy.podman.cluster up|down|status
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import requests
import yaml

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = REPO / "deploy" / "k8s"
CONTAINERS_CONF = REPO / "deploy" / "podman" / "containers.conf"
NETWORK = "evejleder"
SUBNET = ipaddress.ip_network("10.89.40.0/24")  # TRUSTED_PROXIES and unlimited-addresses.conf name it
LABEL = "evejleder.cluster"
APP_IMAGE = "localhost/evejleder:dev"
SERVICES_IMAGE = "localhost/evejleder-services:bookworm"
# The official images the manifests name, and the local image that stands in for them.
STAND_INS = ("docker.io/library/postgres:", "docker.io/library/redis:", "docker.io/library/nginx:")
PUBLIC_PORTS = {8443: 8443, 8080: 8080}  # nginx's container port -> 127.0.0.1 port
# Start order: storage, the Job, the servers, and nginx last (it resolves `rasa` at start).
ORDER = ("postgres", "redis", "evejleder-migrate", "actions", "rasa", "web", "handoff-watch", "nginx")


def podman(*args: str, check: bool = True, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF") or str(CONTAINERS_CONF)}
    try:
        return subprocess.run(["podman", *args], check=check, text=True, env=env, input=stdin,
                              capture_output=True)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"podman {' '.join(args[:3])}... failed: {exc.stderr.strip()}") from exc


def load_manifests(folder: Path = MANIFESTS) -> Dict[Tuple[str, str], dict]:
    """Every document of every file, by (kind, name)."""
    found: Dict[Tuple[str, str], dict] = {}
    for path in sorted(folder.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found[(document["kind"], document["metadata"]["name"])] = document
    return found


_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def expand(text: str, env: Dict[str, str]) -> str:
    """The kubelet's `$(VAR)` expansion: known names are replaced, unknown ones left as they are."""
    return _REFERENCE.sub(lambda m: env.get(m.group(1), m.group(0)), text)


@dataclass
class Container:
    """One container to run: a replica of a workload's pod template."""
    name: str
    workload: str
    kind: str
    spec: dict  # the container's spec in the manifest
    pod: dict  # the pod template's spec
    labels: Dict[str, str]
    replica: int
    address: str = ""
    aliases: List[str] = field(default_factory=list)


class Cluster:
    """The manifests in `manifests`, run under podman; files and env files under `workdir`.

    `overrides` replace ConfigMap values, {(configmap, key): value}: the tests' adaptation (always
    open opening hours, the chat's per-address limit off for a load from one address)."""

    def __init__(self, workdir: Path = REPO / "var" / "cluster", manifests: Path = MANIFESTS,
                 overrides: Optional[Dict[Tuple[str, str], str]] = None, image: str = APP_IMAGE):
        self.workdir = workdir
        self.manifests = load_manifests(manifests)
        self.image = image
        for (configmap, key), value in (overrides or {}).items():
            self.manifests[("ConfigMap", configmap)]["data"][key] = value
        self.containers = self._plan()

    # ---- what the manifests say ----------------------------------------------------------------

    def configmap(self, name: str) -> Dict[str, str]:
        return dict(self.manifests[("ConfigMap", name)].get("data") or {})

    def secret(self, name: str) -> Dict[str, str]:
        return dict(self.manifests[("Secret", name)].get("stringData") or {})

    def _plan(self) -> List[Container]:
        services = [doc for (kind, _), doc in self.manifests.items() if kind == "Service"]
        planned: List[Container] = []
        host = 10
        for name in ORDER:
            for kind in ("StatefulSet", "Deployment", "Job"):
                workload = self.manifests.get((kind, name))
                if workload is None:
                    continue
                template = workload["spec"]["template"]
                labels = template["metadata"].get("labels") or {}
                replicas = 1 if kind == "Job" else int(workload["spec"].get("replicas", 1))
                for replica in range(replicas):
                    for spec in template["spec"]["containers"]:
                        container = Container(
                            name=f"{NETWORK}-{name}-{replica}", workload=name, kind=kind, spec=spec,
                            pod=template["spec"], labels=labels, replica=replica,
                            address=str(SUBNET.network_address + host))
                        host += 1
                        for service in services:
                            selector = service["spec"].get("selector") or {}
                            if selector and all(labels.get(k) == v for k, v in selector.items()):
                                self._check_ports(service)
                                container.aliases.append(service["metadata"]["name"])
                        planned.append(container)
        return planned

    @staticmethod
    def _check_ports(service: dict) -> None:
        if service["spec"].get("type") == "LoadBalancer":
            return  # published on 127.0.0.1 instead (PUBLIC_PORTS)
        for port in service["spec"]["ports"]:
            if port.get("targetPort", port["port"]) != port["port"]:
                raise ValueError(f"Service {service['metadata']['name']}: a network alias cannot map "
                                 f"port {port['port']} to {port['targetPort']}")

    def find(self, workload: str, replica: int = 0) -> Container:
        for container in self.containers:
            if container.workload == workload and container.replica == replica:
                return container
        raise KeyError(workload)

    def replicas(self, workload: str) -> List[Container]:
        return [c for c in self.containers if c.workload == workload]

    def environment(self, container: Container) -> Dict[str, str]:
        env: Dict[str, str] = {}
        for source in container.spec.get("envFrom") or []:
            if "configMapRef" in source:
                env.update(self.configmap(source["configMapRef"]["name"]))
            if "secretRef" in source:
                env.update(self.secret(source["secretRef"]["name"]))
        for item in container.spec.get("env") or []:
            if "value" in item:
                env[item["name"]] = expand(str(item["value"]), env)
            elif "secretKeyRef" in item.get("valueFrom", {}):
                ref = item["valueFrom"]["secretKeyRef"]
                env[item["name"]] = self.secret(ref["name"])[ref["key"]]
            elif "configMapKeyRef" in item.get("valueFrom", {}):
                ref = item["valueFrom"]["configMapKeyRef"]
                env[item["name"]] = self.configmap(ref["name"])[ref["key"]]
        return env

    def image_of(self, container: Container) -> str:
        image = container.spec["image"]
        if image.startswith(STAND_INS):
            return SERVICES_IMAGE
        return self.image if image == APP_IMAGE else image

    # ---- files -----------------------------------------------------------------------------------

    def _write_files(self) -> None:
        for (kind, name), document in self.manifests.items():
            if kind == "ConfigMap":
                self._write_folder(self.workdir / "configmaps" / name, self.configmap(name), 0o644)
            elif kind == "Secret":
                values = self.secret(name)
                if document.get("type") == "kubernetes.io/tls" and values.get("tls.crt", "").startswith("CHANGE-ME"):
                    values = self._self_signed()
                self._write_folder(self.workdir / "secrets" / name, values, 0o644)

    @staticmethod
    def _write_folder(folder: Path, files: Dict[str, str], mode: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)
        for key, value in files.items():
            path = folder / key
            path.write_text(value, encoding="utf-8")
            path.chmod(mode)

    def _self_signed(self) -> Dict[str, str]:
        """A certificate for localhost and 127.0.0.1, made once (browsers warn: it is for this machine)."""
        folder = self.workdir / "tls"
        cert, key = folder / "tls.crt", folder / "tls.key"
        if not (cert.exists() and key.exists()):
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                            "-days", "30", "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                            "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        return {"tls.crt": cert.read_text(), "tls.key": key.read_text()}

    @property
    def ca_file(self) -> Path:
        """What a client trusts to reach `public_url` (the self-signed certificate itself)."""
        return self.workdir / "tls" / "tls.crt"

    # ---- podman run ------------------------------------------------------------------------------

    def run_arguments(self, container: Container) -> List[str]:
        """`podman run` arguments for `container` (the environment goes into an env file)."""
        env = self.environment(container)
        env_file = self.workdir / "env" / f"{container.name}.env"
        env_file.parent.mkdir(parents=True, exist_ok=True)
        env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
        env_file.chmod(0o600)
        args = ["run", "--detach", "--name", container.name, "--hostname", container.name,
                "--label", f"{LABEL}={container.workload}", "--network", NETWORK,
                "--ip", container.address, "--env-file", str(env_file), "--log-driver", "k8s-file"]
        if container.kind == "Job":
            policy = container.pod.get("restartPolicy", "Never")
            args += ["--restart", "on-failure:10" if policy == "OnFailure" else "no"]
        else:
            args += ["--restart", "always"]
        for alias in container.aliases:
            args += ["--network-alias", alias]
        security = container.pod.get("securityContext") or {}
        if "runAsUser" in security:
            args += ["--user", f"{security['runAsUser']}:{security.get('runAsGroup', security['runAsUser'])}"]
        memory = ((container.spec.get("resources") or {}).get("limits") or {}).get("memory")
        if memory:
            args += ["--memory", memory.replace("Gi", "g").replace("Mi", "m")]
        if container.workload == "nginx":
            for inside, outside in PUBLIC_PORTS.items():
                args += ["--publish", f"127.0.0.1:{outside}:{inside}"]
        args += self._volume_arguments(container)
        args += self._liveness_arguments(container, env)
        command = [expand(part, env) for part in container.spec.get("command") or []]
        arguments = [expand(part, env) for part in container.spec.get("args") or []]
        if command:
            args += ["--entrypoint", json.dumps(command)]
        return [*args, self.image_of(container), *arguments]

    def _volume_arguments(self, container: Container) -> List[str]:
        volumes = {volume["name"]: volume for volume in container.pod.get("volumes") or []}
        args: List[str] = []
        for mount in container.spec.get("volumeMounts") or []:
            volume = volumes.get(mount["name"])
            target = mount["mountPath"]
            if volume is None:  # a StatefulSet's volumeClaimTemplate
                args += ["--volume", f"{NETWORK}-{container.workload}-{mount['name']}-{container.replica}:{target}"]
            elif "configMap" in volume:
                args += ["--volume", f"{self.workdir / 'configmaps' / volume['configMap']['name']}:{target}:ro"]
            elif "secret" in volume:
                args += ["--volume", f"{self.workdir / 'secrets' / volume['secret']['secretName']}:{target}:ro"]
            elif "emptyDir" in volume:
                args += ["--tmpfs", f"{target}:rw,mode=1777"]
            else:
                raise ValueError(f"{container.name}: volume {mount['name']} has no podman counterpart here")
        return args

    def _liveness_arguments(self, container: Container, env: Dict[str, str]) -> List[str]:
        probe = container.spec.get("livenessProbe")
        if not probe:
            return []
        if "exec" in probe:
            command = json.dumps([expand(part, env) for part in probe["exec"]["command"]])
        elif "httpGet" in probe and self.image_of(container) == self.image:
            url = f"http://127.0.0.1:{probe['httpGet']['port']}{probe['httpGet']['path']}"
            command = json.dumps(["python", "-c", f"import urllib.request; urllib.request.urlopen({url!r}, timeout=5)"])
        else:
            return []  # an httpGet probe in an image without an HTTP client: run from the host only
        startup = container.spec.get("startupProbe") or {}
        grace = probe.get("initialDelaySeconds", 0) + startup.get("periodSeconds", 10) * startup.get(
            "failureThreshold", 0)  # the start-up probe's budget, before liveness counts
        return ["--health-cmd", command, "--health-on-failure", "restart",
                "--health-interval", f"{probe.get('periodSeconds', 10)}s",
                "--health-retries", str(probe.get("failureThreshold", 3)),
                "--health-start-period", f"{grace}s",
                "--health-timeout", f"{probe.get('timeoutSeconds', 1)}s"]

    # ---- probes, from this machine ---------------------------------------------------------------

    def probe(self, container: Container, kind: str = "readinessProbe") -> bool:
        probe = container.spec.get(kind)
        if not probe:
            return self.running(container.name)
        if "httpGet" in probe:
            url = f"http://{container.address}:{probe['httpGet']['port']}{probe['httpGet']['path']}"
            try:
                return 200 <= requests.get(url, timeout=probe.get("timeoutSeconds", 2)).status_code < 400
            except requests.RequestException:
                return False
        if "exec" in probe:
            env = self.environment(container)
            command = [expand(part, env) for part in probe["exec"]["command"]]
            return podman("exec", container.name, *command, check=False).returncode == 0
        raise ValueError(f"{container.name}: a {kind} podman cannot run here")

    def running(self, name: str) -> bool:
        result = podman("inspect", name, "--format", "{{.State.Running}}", check=False)
        return result.returncode == 0 and result.stdout.strip() == "true"

    def wait_ready(self, container: Container, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while not self.probe(container):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{container.name} is not ready after {seconds:.0f} s:\n{self.logs(container.name)}")
            time.sleep(1)

    def logs(self, name: str, lines: int = 40) -> str:
        result = podman("logs", "--tail", str(lines), name, check=False)
        return (result.stdout or "") + (result.stderr or "")

    # ---- life cycle ------------------------------------------------------------------------------

    def up(self, progress=print) -> None:
        """Start everything the manifests define (the Job to completion first), then wait until
        every container is ready."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._write_files()
        if podman("network", "exists", NETWORK, check=False).returncode != 0:
            podman("network", "create", "--subnet", str(SUBNET), NETWORK)
        for workload in ORDER:
            containers = self.replicas(workload)
            for container in containers:
                progress(f"==> {container.name} ({container.kind}, {self.image_of(container)})")
                self.start(container)
            if workload in ("postgres", "redis"):
                for container in containers:
                    self.wait_ready(container, 120)
            if containers and containers[0].kind == "Job":
                for container in containers:
                    self.wait_job(container)
        for container in self.containers:
            if container.kind != "Job":
                self.wait_ready(container)

    def start(self, container: Container) -> None:
        podman("rm", "--force", "--ignore", container.name)
        podman(*self.run_arguments(container))

    def stop(self, container: Container) -> None:
        """As the kubelet ends a pod: the container's preStop hook (an exec hook, run inside it),
        then SIGTERM, and SIGKILL after the pod's terminationGracePeriodSeconds; then removed."""
        hook = ((container.spec.get("lifecycle") or {}).get("preStop") or {}).get("exec")
        if hook and self.running(container.name):
            podman("exec", container.name, *hook["command"], check=False)
        grace = container.pod.get("terminationGracePeriodSeconds", 30)
        podman("rm", "--force", "--time", str(grace), container.name)

    def replace(self, container: Container, image: str) -> None:
        """`container` stopped as Kubernetes ends a pod (`stop`) and started again from `image`, at
        the same address: one step of a rolling update, done by hand (docs/deploy.md)."""
        self.stop(container)
        arguments = self.run_arguments(container)
        arguments[arguments.index(self.image_of(container))] = image
        podman(*arguments)

    def wait_job(self, container: Container, seconds: float = 300) -> None:
        """Until the Job's container has exited 0 (podman restarts it on failure, as Kubernetes)."""
        deadline = time.monotonic() + seconds
        while True:
            state = podman("inspect", container.name, "--format", "{{.State.Status}} {{.State.ExitCode}}").stdout.split()
            if state == ["exited", "0"]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"Job {container.workload} has not completed:\n{self.logs(container.name)}")
            time.sleep(1)

    def down(self, volumes: bool = False) -> None:
        # A container that exits on SIGTERM may be restarted by its policy (`always`) while it is
        # being removed, and the removal fails: removed again, a few times, before giving up.
        for attempt in range(4):
            names = podman("ps", "--all", "--filter", f"label={LABEL}", "--format", "{{.Names}}").stdout.split()
            if not names:
                break
            result = podman("rm", "--force", "--time", "5", *names, check=False)
            if attempt == 3 and result.returncode:
                raise RuntimeError(f"podman rm of the cluster's containers failed: {result.stderr.strip()}")
        if volumes:
            for name in podman("volume", "ls", "--format", "{{.Name}}").stdout.split():
                if name.startswith(f"{NETWORK}-"):
                    podman("volume", "rm", "--force", name)

    # ---- faults ------------------------------------------------------------------------------------

    def pid(self, name: str) -> int:
        return int(podman("inspect", name, "--format", "{{.State.Pid}}").stdout.strip())

    def memory(self) -> Dict[str, int]:
        """Resident memory of every running container in MiB: VmRSS summed over the container's
        processes, read from /proc on this machine. What the manifests' memory figures come from
        (`make bench-load` records it idle and under load); `podman stats` shows the cgroup's
        figure, lower, because pages shared with the image's files are not charged there."""
        children: Dict[int, List[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                        parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(parent, []).append(int(entry))
        found: Dict[str, int] = {}
        for container in self.containers:
            if container.kind == "Job" or not self.running(container.name):
                continue
            kib, pending = 0, [self.pid(container.name)]
            while pending:
                pid = pending.pop()
                pending += children.get(pid, [])
                try:
                    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
                        kib += sum(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
                except OSError:
                    continue
            found[container.name] = kib // 1024
        return found

    def restart_count(self, name: str) -> int:
        return int(podman("inspect", name, "--format", "{{.RestartCount}}").stdout.strip())

    def kill(self, name: str) -> None:
        """SIGKILL to the container's main process from this machine: a crash, not a `podman stop`
        (after which the engine rightly leaves the container stopped)."""
        os.kill(self.pid(name), signal.SIGKILL)

    # ---- addresses -----------------------------------------------------------------------------------

    @property
    def public_url(self) -> str:
        return f"https://127.0.0.1:{PUBLIC_PORTS[8443]}"

    @property
    def public_http_url(self) -> str:
        return f"http://127.0.0.1:{PUBLIC_PORTS[8080]}"

    def url_of(self, workload: str, replica: int = 0, port: Optional[int] = None) -> str:
        container = self.find(workload, replica)
        port = port or container.spec["ports"][0]["containerPort"]
        return f"http://{container.address}:{port}"

    def database_url(self, database: str = "evejleder") -> str:
        """The PostgreSQL database as this machine reaches it (the container's address)."""
        password = self.secret("evejleder-secrets")["POSTGRES_PASSWORD"]
        return f"postgresql://evejleder:{password}@{self.find('postgres').address}:5432/{database}"

    @property
    def tracker_url(self) -> str:
        return self.database_url("evejleder_tracker")

    @property
    def token(self) -> str:
        return self.secret("evejleder-secrets")["RASA_TOKEN"]

    def stored_user_texts(self, sender_ids: Optional[Iterable[str]] = None) -> Dict[str, List[str]]:
        return stored_user_texts(self.tracker_url, sender_ids)

    # ---- talking ---------------------------------------------------------------------------------------

    def say(self, sender: str, message: str, timeout: float = 60) -> requests.Response:
        """A REST message through nginx (the public entry point)."""
        return requests.post(f"{self.public_url}/webhooks/rest/webhook", verify=str(self.ca_file),
                             json={"sender": sender, "message": message}, timeout=timeout)

    def add_counsellor(self, name: str, password: str) -> None:
        """`python -m bot counsellors add` in the web container (its environment, its database)."""
        podman("exec", "-i", self.find("web").name, "python", "-m", "bot", "counsellors", "add", name,
               "--password-stdin", stdin=password)


def stored_user_texts(tracker_url: str, sender_ids: Optional[Iterable[str]] = None) -> Dict[str, List[str]]:
    """The visitors' messages in Rasa's tracker store, per conversation, in order. A REST sender
    from beyond loopback (this machine, as the containers see it) is stored as `rest-<sender>`
    (bot/chat/rest.py): asked for `sender`, both are read."""
    from sqlalchemy import create_engine, text

    from bot.chat.rest import REMOTE_PREFIX

    wanted = None if sender_ids is None else set(sender_ids)
    engine = create_engine(tracker_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"))
            stored: Dict[str, List[str]] = {}
            for conversation, data in rows:
                sender = conversation
                if conversation.startswith(REMOTE_PREFIX) and (
                        wanted is None or conversation not in wanted):
                    sender = conversation[len(REMOTE_PREFIX):]
                if wanted is None or sender in wanted:
                    stored.setdefault(sender, []).append(json.loads(data).get("text"))
            return stored
    finally:
        engine.dispose()


def _status(cluster: Cluster) -> int:
    for container in cluster.containers:
        if container.kind == "Job":
            continue
        state = "ready" if cluster.running(container.name) and cluster.probe(container) else "NOT READY"
        print(f"{container.name:32} {container.address:14} {state}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.podman.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("up", "down", "status", "commands"))
    parser.add_argument("--volumes", action="store_true", help="down: remove the data volumes too")
    parser.add_argument("--image", default=APP_IMAGE)
    args = parser.parse_args(argv)
    cluster = Cluster(image=args.image)
    if args.command == "up":
        cluster.down()
        cluster.up()
        print(f"==> eVejleder serves {cluster.public_url}/ (self-signed certificate: {cluster.ca_file});"
              " `make stop-cluster` stops it")
        return 0
    if args.command == "down":
        cluster.down(volumes=args.volumes)
        return 0
    if args.command == "commands":  # what `up` runs, for reading
        cluster.workdir.mkdir(parents=True, exist_ok=True)
        for container in cluster.containers:
            print("podman " + " ".join(shlex.quote(a) for a in cluster.run_arguments(container)))
        return 0
    return _status(cluster)


if __name__ == "__main__":
    sys.exit(main())
