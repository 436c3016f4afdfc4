"""Deployment: the image (image/), the Kubernetes manifests (k8s/), and their local run under podman (podman/)."""
