"""The container cluster (deploy/k8s/ under podman, deploy/podman/cluster.py) for the cluster tests:
started once (about a minute), each test leaving it serving as it found it. It replaces a
running `make run-cluster` and removes its containers and volumes at the end."""
import shutil

import pytest

from bench.load import LOAD_OVERRIDES
from deploy.podman.cluster import APP_IMAGE, SERVICES_IMAGE, Cluster, podman
from tests.schedules import ALWAYS_OPEN
from tests.services import services_required


@pytest.fixture(scope="package")
def cluster():
    missing = [image for image in (APP_IMAGE, SERVICES_IMAGE)
               if not shutil.which("podman") or podman("image", "exists", image, check=False).returncode]
    if missing:
        message = f"the container cluster needs podman and the images {', '.join(missing)} (make image)"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    # The tests' two adaptations of the ConfigMaps: the hand-off is always open, and the chat's
    # per-address limit is off (every test client comes from this machine's one address).
    running = Cluster(overrides={("evejleder-files", "opening_hours.yml"): ALWAYS_OPEN, **LOAD_OVERRIDES})
    running.down(volumes=True)
    try:
        running.up(progress=lambda line: None)
        yield running
    finally:
        running.down(volumes=True)
