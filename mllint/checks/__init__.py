"""Rule logic, one module per category (compose rules of a category in compose_<category>, ML
knowledge rules in ml_<topic>). Importing this package registers every rule."""

from mllint.checks import (  # noqa: F401 - imported for their @rule registrations
    build_context,
    compose_isolation,
    compose_reproducibility,
    compose_resources,
    compose_security,
    compose_style,
    compose_volumes,
    isolation,
    ml_cuda,
    ml_gpu,
    ml_image,
    ml_project,
    ml_services,
    reproducibility,
    resources,
    security,
    validity,
    volumes,
)
