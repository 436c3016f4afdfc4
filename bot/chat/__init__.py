"""Rasa input channels for visitors: Rasa's own socket.io and REST channels with a guard in front.

credentials.yml names them by module path (`bot.chat.socketio.SocketIOChannel`,
`bot.chat.rest.RestChannel`). They subclass Rasa's channels and only add what Rasa lacks:
a message length limit, rate limits, an origin allowlist and (with REDIS_URL) python-socketio's
Redis client manager, so several Rasa processes reach each other's visitors.
"""
