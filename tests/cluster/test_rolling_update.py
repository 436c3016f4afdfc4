"""A new model is a new image tag. Without a Kubernetes API server here, the rolling update is done
by hand as the Deployment's strategy would do it: one Rasa replica replaced at a time while the
other serves, and no message is refused or lost: no retry is needed (the visitor's retry on 503
is switched off here). A socket.io visitor (sticky to one replica) is answered after every step."""
import json
import time

from deploy.podman.cluster import podman
from tests.cluster.test_faults import Talkers, wait_until
from tests.e2e.people import Visitor, text_containing

NEXT = "localhost/evejleder:next"


def socket_io_answered(visitor: Visitor) -> bool:
    """One question over the visitor's socket, answered within 15 s. A socket whose replica went
    away reconnects through nginx and asks for its conversation again, as the widget does."""
    if not visitor.client.connected:
        return False
    visitor.say("hvad laver en leder?")
    try:
        visitor.wait_for(text_containing("leder"), timeout=15)
        return True
    except AssertionError:
        return False


# Each step as Kubernetes ends a pod: the preStop hook, SIGTERM, the replacement ready (its model
# loaded) before the next. Before nginx's `rasa_any` had its backup servers, this lost 9-18 of
# about 130 messages (HTTP 503, "no live upstreams": deploy/k8s/config.yaml explains it).
def test_replacing_the_rasa_replicas_one_at_a_time_drops_no_conversation(cluster):
    podman("tag", cluster.image, NEXT)  # the same files under a new tag: what changes is the container
    visitor = Visitor(cluster.public_url, cluster.ca_file)
    socket_io_steps = []
    try:
        with Talkers(cluster, retry=False) as talkers:
            for replica in cluster.replicas("rasa"):
                cluster.replace(replica, NEXT)
                cluster.wait_ready(replica, 180)
                began = time.monotonic()
                wait_until(lambda: socket_io_answered(visitor), 90, "the socket.io visitor is answered")
                socket_io_steps.append(round(time.monotonic() - began, 1))
        for replica in cluster.replicas("rasa"):
            assert podman("inspect", replica.name, "--format", "{{.ImageName}}").stdout.strip() == NEXT
    finally:
        visitor.close()
        for replica in cluster.replicas("rasa"):
            if podman("inspect", replica.name, "--format", "{{.ImageName}}").stdout.strip() != cluster.image:
                cluster.replace(replica, cluster.image)
                cluster.wait_ready(replica, 180)
        podman("rmi", NEXT, check=False)  # removes this name only: the image keeps its own
    unanswered = [(code, body[:200]) for _, _, code, body in talkers.outcomes if code != 200]
    errors = [line for replica in cluster.replicas("rasa")
              for line in cluster.logs(replica.name, 2000).splitlines() if " ERROR " in line]
    assert unanswered == [], f"{len(unanswered)} of {len(talkers.outcomes)} unanswered: {unanswered[:3]}; {errors[-10:]}"
    assert len(talkers.outcomes) >= 40, len(talkers.outcomes)
    for _, _, _, body in talkers.outcomes:
        assert any(message.get("text") for message in json.loads(body)), body[:300]
    print(f"{len(talkers.outcomes)} REST messages answered during the update, none refused; "
          f"the socket.io visitor answered after each step within {socket_io_steps} s")
