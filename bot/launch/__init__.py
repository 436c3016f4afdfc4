"""Starting eVejleder's processes: one place for every port, binding, flag and command line.

`python -m bot.launch run|shell|cluster` (behind `make run`, `make shell`, `make run-cluster`), the
test fixtures and the benchmarks all start servers through this package:

- `process.py`   free ports, a child process with its log file, waiting until ready, stopping
- `commands.py`  the command line and environment of each server (action server, Rasa, web, nginx)
- `services.py`  private PostgreSQL and Redis servers
- `stack.py`     one Rasa process with the action server and the web server (`make run`)
- `cluster.py`   several Rasa processes behind nginx on PostgreSQL and Redis (`make run-cluster`)

Every server listens on 127.0.0.1 except nginx's public port in the cluster. Secrets (the Rasa
token, database and Redis URLs) reach the processes through their environment, never through a
command line that `ps` would show.
"""
