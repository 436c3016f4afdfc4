"""Starting eVejleder's processes: one place for every port, binding, flag and command line.

`python -m bot run|shell` (behind `make run`, `make shell`), the test fixtures and the
benchmarks all start servers through this package:

- `process.py`   free ports, a child process with its log file, waiting until ready, stopping
- `commands.py`  the command line and environment of each server (action server, Rasa, web)
- `services.py`  private PostgreSQL and Redis servers
- `stack.py`     one Rasa process with the action server and the web server (`make run`)

Every server listens on 127.0.0.1. Secrets (the Rasa token, database and Redis URLs) reach the
processes through their environment, never through a command line that `ps` would show. The
cluster runs in containers instead (deploy/, `make run-cluster`).
"""
