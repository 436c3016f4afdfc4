"""How deploy/podman/cluster.py turns the manifests into podman commands (no container started)."""
from deploy.podman.cluster import Cluster, expand, load_manifests


def test_expansion_is_the_kubelets():
    env = {"PW": "s3cret"}
    assert expand("postgresql://u:$(PW)@db/x", env) == "postgresql://u:s3cret@db/x"
    assert expand("$(UNKNOWN) stays", env) == "$(UNKNOWN) stays"


def test_every_service_reaches_the_containers_it_selects(tmp_path):
    cluster = Cluster(workdir=tmp_path)
    aliases = {alias for container in cluster.containers for alias in container.aliases}
    services = {name for kind, name in load_manifests() if kind == "Service"}
    assert aliases == services
    assert [c.name for c in cluster.replicas("rasa")] == ["evejleder-rasa-0", "evejleder-rasa-1"]
    assert len({c.address for c in cluster.containers}) == len(cluster.containers), "one address each"


def test_secrets_travel_in_env_files_not_on_command_lines(tmp_path):
    cluster = Cluster(workdir=tmp_path)
    secrets = cluster.secret("evejleder-secrets")
    for container in cluster.containers:
        arguments = " ".join(cluster.run_arguments(container))
        env_file = (tmp_path / "env" / f"{container.name}.env")
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        for key, value in secrets.items():
            if container.workload == "redis" and key == "REDIS_PASSWORD":
                continue  # redis-server --requirepass $(REDIS_PASSWORD), as the manifest says
            assert value not in arguments, (container.name, key)
    rasa = cluster.find("rasa")
    env = cluster.environment(rasa)
    assert env["TRACKER_DATABASE_URL"] == (
        f"postgresql://evejleder:{secrets['POSTGRES_PASSWORD']}@postgres:5432/evejleder_tracker")
    assert env["RASA_TOKEN"] == secrets["RASA_TOKEN"]


def test_the_commands_are_the_manifests_and_the_stand_ins_only_replace_official_images(tmp_path):
    cluster = Cluster(workdir=tmp_path)
    rasa = cluster.run_arguments(cluster.find("rasa"))
    entrypoint = rasa[rasa.index("--entrypoint") + 1]
    assert '"scripts/rasa", "run"' in entrypoint and rasa[-1] == cluster.image
    assert "--restart" in rasa and rasa[rasa.index("--restart") + 1] == "always"
    assert cluster.image_of(cluster.find("postgres")) == "localhost/evejleder-services:bookworm"
    assert cluster.image_of(cluster.find("actions")) == cluster.image
    job = cluster.run_arguments(cluster.find("evejleder-migrate"))
    assert job[job.index("--restart") + 1] == "on-failure:10"
