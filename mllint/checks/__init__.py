"""Rule logic, one module per category. Importing this package registers every rule."""

from mllint.checks import (  # noqa: F401 - imported for their @rule registrations
    build_context,
    isolation,
    reproducibility,
    resources,
    security,
    validity,
    volumes,
)
