import pytest

from tests.e2e.stack import MODEL, Stack, prepare_database


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    workdir = tmp_path_factory.mktemp("stack")
    running = Stack(workdir=workdir, env=prepare_database(workdir))
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()
