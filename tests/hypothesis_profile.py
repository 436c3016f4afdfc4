"""One fixed hypothesis profile for every property test: derandomised and bounded, so CI
runs the same examples every time (no flaky failures, no example database to carry)."""
from hypothesis import HealthCheck, settings

settings.register_profile("evejleder", derandomize=True, max_examples=300, deadline=None,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("evejleder")
