# Shared by scripts/run and scripts/run-cluster (sourced, not run).

# The rasa CLI with a model that loads about 20 s faster (why: scripts/rasa).
RASA_SERVE=".venv/bin/python scripts/rasa"

wait_for() {  # url, name, log, seconds
  for _ in $(seq "$4"); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then echo "    $2 is ready"; return 0; fi
    sleep 1
  done
  echo "    $2 did not start; last lines of $3:" >&2; tail -20 "$3" >&2; exit 1
}
