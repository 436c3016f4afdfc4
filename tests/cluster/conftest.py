import pytest

from bench.load import LOAD_ENV
from bot.launch.cluster import Cluster
from bot.launch.commands import MODEL
from tests.schedules import ALWAYS_OPEN
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
    workdir = tmp_path_factory.mktemp("cluster")
    hours = workdir / "opening_hours.yml"
    hours.write_text(ALWAYS_OPEN)
    running = Cluster.private(workdir)
    try:
        running.start(OPENING_HOURS_PATH=str(hours), **LOAD_ENV)
        yield running
    finally:
        running.stop_all()
