"""The counsellor console (aiohttp + Jinja2)."""
