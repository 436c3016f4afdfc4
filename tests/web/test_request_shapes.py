"""Request shapes that aiohttp 3.9.5 handles unsafely are refused before a handler reads them
(docs/security.md, "aiohttp advisories"): compressed and multipart bodies, a second Host header,
a Range header with other digits than ASCII. A real server on a socket, no mocks."""
import asyncio
import gzip
import json

from aiohttp import http_parser

from bot.web import texts
from tests.handoff.support import web_app

FEEDBACK = "/api/visitor/abc123/feedback"


def run(scenario):
    asyncio.run(scenario())


def test_the_c_http_parser_is_in_use():
    """Several advisories live only in aiohttp's pure-Python parser (AIOHTTP_NO_EXTENSIONS, or an
    install without the compiled wheel); docs/security.md counts them as not reached because of
    this."""
    assert http_parser.HttpRequestParser is http_parser.HttpRequestParserC


def test_a_compressed_body_is_refused_and_never_inflated(database_url, session_factory):
    bomb = gzip.compress(b"0" * (20 * 1024 * 1024))  # 20 MB of zeros in about 20 KB

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            response = await client.post(FEEDBACK, data=bomb, headers={
                "Content-Type": "application/json", "Content-Encoding": "gzip"})
            assert response.status == 415
            assert (await response.json()) == {"error": texts.COMPRESSED_BODY}
            assert client.server.app._handler_args == {"auto_decompress": False}

            page = await client.post("/console/login", data=gzip.compress(b"name=a&password=b"),
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Content-Encoding": "gzip"})
            assert page.status == 415
            assert texts.COMPRESSED_BODY in await page.text()

            plain = await client.post(FEEDBACK, data=json.dumps({"rating": "op"}),
                                      headers={"Content-Type": "application/json",
                                               "Content-Encoding": "identity"})
            assert plain.status != 415

    run(scenario)


def test_a_multipart_form_is_refused_before_it_is_read(database_url, session_factory):
    body = (b"--boundary1\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nanne\r\n"
            b"--boundary1--\r\n")

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            response = await client.post("/console/login", data=body, headers={
                "Content-Type": "multipart/form-data; boundary=boundary1"})
            assert response.status == 415
            assert texts.MULTIPART_BODY in await response.text()
            api = await client.post(FEEDBACK, data=body, headers={
                "Content-Type": "multipart/form-data; boundary=boundary1"})
            assert api.status == 415
            assert (await api.json()) == {"error": texts.MULTIPART_BODY}

    run(scenario)


async def raw_status(host: str, port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    return int(status_line.split()[1])


def test_two_host_headers_and_a_unicode_range_are_refused(database_url, session_factory):
    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            host, port = client.server.host, client.server.port
            two_hosts = (b"GET /health HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n"
                         b"Connection: close\r\n\r\n")
            assert await raw_status(host, port, two_hosts) == 400
            one_host = b"GET /health HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n"
            assert await raw_status(host, port, one_host) == 200

            unicode_range = await client.get("/static/widget/widget.js",
                                             headers={"Range": "bytes=\u0661-\u0662"})
            assert unicode_range.status == 416
            ascii_range = await client.get("/static/widget/widget.js", headers={"Range": "bytes=0-9"})
            assert ascii_range.status == 206

    run(scenario)
