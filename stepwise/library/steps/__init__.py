"""Step types as a registry: one module per type, registered by its type name.

`REGISTRY["scale"]` (or `of(step)`) is the `StepType` with every facet of scale steps; see
`base.py`. Importing this package registers every type (in the order the schema lists them).
"""

from __future__ import annotations

from typing import Any

# The order of these imports is the order of the builder's menu and of the schema's union: keep it.
# isort: off
from stepwise.library.steps import (  # noqa: F401  (each module registers its type)
    content,
    text,
    scale,
    suds,
    choice,
    checklist,
    emotion,
    list as list_step,
    timer,
    breathing,
    media,
    reflection,
)

# isort: on
from stepwise.library.steps.base import FACETS, REGISTRY, StepType, register

__all__ = ["FACETS", "REGISTRY", "StepType", "of", "register"]


def of(step: Any) -> StepType[Any]:
    """The step type of a schema step."""
    return REGISTRY[step.type]
