"""Two Rasa replicas share the visitors: a message pushed through one reaches a visitor on the
other, and a conversation opened on one reopens on the other."""
import requests

from bot.handoff.rasa_api import RasaClient
from tests.e2e.people import Visitor, text_containing


def test_counsellor_message_through_replica_2_reaches_a_visitor_on_replica_1(cluster):
    visitor = Visitor(cluster.url_of("rasa", 0))
    try:
        visitor.say("hej")
        visitor.wait_for(text_containing("leder"))
        # The console's Rasa client, pointed at the other replica.
        console_side = RasaClient(cluster.url_of("rasa", 1), token=cluster.token)
        console_side.push_bot_message(visitor.session_id, "Hej, jeg hedder Mette og er eVejleder.",
                                      counsellor="mette")
        visitor.wait_for(text_containing("jeg hedder Mette"), timeout=20)
        # Both replicas read the same tracker store: the pushed message is in the conversation.
        lines = RasaClient(cluster.url_of("rasa", 0), token=cluster.token).transcript(visitor.session_id)
        assert [line.who for line in lines if "Mette" in line.text] == ["counsellor"]
    finally:
        visitor.close()


def test_socket_io_and_rest_answer_through_nginx_and_the_api_is_not_public(cluster):
    visitor = Visitor(cluster.public_url, cluster.ca_file)
    try:
        visitor.say("hvad laver en leder?")
        visitor.wait_for(text_containing("Kilde: UddannelsesGuiden"))
    finally:
        visitor.close()
    response = cluster.say("rest-through-nginx", "hvilke uddannelser kan man tage?")
    assert response.status_code == 200
    assert any("Kilde: UddannelsesGuiden" in (m.get("text") or "") for m in response.json())
    # Rasa's HTTP API is not public: only the chat channels and the website are.
    for path in ("/conversations/rest-through-nginx/tracker", "/status", "/model/parse"):
        reply = requests.get(f"{cluster.public_url}{path}", params={"token": cluster.token},
                             verify=str(cluster.ca_file), timeout=10)
        assert reply.status_code == 404, path


def test_a_conversation_opened_on_replica_1_reopens_with_its_secret_on_replica_2(cluster):
    visitor = Visitor(cluster.url_of("rasa", 0))
    elsewhere = Visitor(cluster.url_of("rasa", 1))
    try:
        visitor.say("hej")
        visitor.wait_for(text_containing("leder"))
        # The widget after a reconnect that lands on the other replica.
        elsewhere.session_id, elsewhere.session_secret = visitor.session_id, visitor.session_secret
        elsewhere.confirmed.clear()
        elsewhere.request_session()
        assert elsewhere.confirmed.wait(10) and elsewhere.session_id == visitor.session_id
        elsewhere.say("hvad laver en leder?")
        elsewhere.wait_for(text_containing("Kilde: UddannelsesGuiden"))
    finally:
        visitor.close()
        elsewhere.close()
