"""Only nginx's public port may listen beyond localhost (here: every port of the cluster, on loopback)."""
from pathlib import Path

LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def listening(port: int):
    """Local addresses listening on `port`, from /proc/net/tcp and tcp6 (Linux)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(address)
    return found


def test_rasa_actions_web_and_internal_nginx_listen_on_loopback_only(cluster):
    ports = cluster.ports
    for port in (*ports.rasa_ports, ports.actions_port, ports.web_port, ports.internal_port,
                 ports.public_port, cluster.postgres.port, cluster.redis.port):
        addresses = listening(port)
        assert addresses, f"nothing listens on {port}"
        assert set(addresses) == {LOOPBACK_V4}, (port, addresses)
