import pytest

from tests.cluster.stack import Cluster
from tests.e2e.stack import MODEL
from tests.services import missing_binaries, services_required


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """One cluster for every cluster test (two Rasa processes take a minute or two to start);
    each test leaves it running as it found it."""
    missing = missing_binaries()
    if missing:
        message = f"the cluster needs Debian's {', '.join(missing)} (apt-get install {' '.join(missing)})"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    running = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        running.start()
        yield running
    finally:
        running.stop_all()
