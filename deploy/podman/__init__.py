"""The manifests in deploy/k8s/ run under podman 4.3 (cluster.py)."""
