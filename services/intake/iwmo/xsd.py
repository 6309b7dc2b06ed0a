"""Full validation against the iStandaarden XSDs, when the XSD set is configured.

The XSDs are loaded once at start-up from ``WIJKPULS_IWMO_XSD_DIR`` (``iwmo/`` and ``ijw/``
with the basisschema each message XSD imports), sandboxed to that folder. A refusal is
rewritten from xmlschema's error into our own words: xmlschema's reasons may quote the
value (``invalid literal ... '12a'``), and the value may be a BSN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import xmlschema
from xmlschema.validators import (
    XMLSchemaChildrenValidationError,
    XMLSchemaValidationError,
    XsdAtomicBuiltin,
    XsdEnumerationFacets,
    XsdFacet,
    XsdPatternFacets,
)

from services.intake.iwmo.errors import ElementProblem, MessageRefused, element_problem
from services.intake.iwmo.messages import BERICHTEN, BerichtType
from services.intake.iwmo.xmlsafe import local_name

MAX_PROBLEMS = 50
_NAMESPACE = re.compile(r"\{[^}]*\}")


class XsdSetIncomplete(RuntimeError):
    """The configured folder lacks an XSD or it does not load; the service must not start."""


@dataclass(frozen=True)
class XsdSet:
    schemas: dict[str, xmlschema.XMLSchema10]  # by BerichtType.name

    @classmethod
    def load(cls, folder: Path) -> XsdSet:
        schemas = {}
        for kind in BERICHTEN:
            path = folder.resolve() / kind.standaard / f"{kind.name}.xsd"
            if not (path.is_file() and (path.parent / "basisschema.xsd").is_file()):
                raise XsdSetIncomplete(f"{path} or the basisschema.xsd beside it is missing")
            try:
                schemas[kind.name] = xmlschema.XMLSchema10(
                    str(path), allow="sandbox", defuse="always"
                )
            except (xmlschema.XMLSchemaException, OSError) as exc:
                raise XsdSetIncomplete(f"{path} does not load: {exc}") from exc
            if schemas[kind.name].target_namespace != kind.namespace:
                raise XsdSetIncomplete(f"{path} is not the iStandaarden {kind.name} 3.2 schema")
        return cls(schemas)

    def check(self, root: Element, kind: BerichtType) -> None:
        """MessageRefused (422) naming each invalid element; returns when the XSD holds."""
        problems = []
        # An in-memory tree: nothing to fetch, and location hints in the message are ignored.
        resource = xmlschema.XMLResource(root, allow="none")
        for error in self.schemas[kind.name].iter_errors(resource, use_location_hints=False):
            problems.append(_problem(error))
            if len(problems) == MAX_PROBLEMS:
                break
        if problems:
            raise MessageRefused(422, "invalid-message", "Invalid iWmo/iJw message", problems)


def _problem(error: XMLSchemaValidationError) -> ElementProblem:
    element = _NAMESPACE.sub("", error.path or "").strip("/") or "(document)"
    if isinstance(error, XMLSchemaChildrenValidationError):
        expected = ", ".join(_names(error.expected))
        if error.invalid_tag is None:
            return element_problem(element, f"misses child element(s) {expected}", "xsd_children")
        reason = f"has an unexpected child element {local_name(error.invalid_tag)}"
        return element_problem(
            element, reason + (f"; expected {expected}" if expected else ""), "xsd_children"
        )
    validator = error.validator
    if isinstance(validator, XsdPatternFacets):
        return element_problem(
            element, "does not have the form its XSD type requires", "xsd_pattern"
        )
    if isinstance(validator, XsdEnumerationFacets):
        return element_problem(element, "is not a value of its code list", "xsd_enumeration")
    if isinstance(validator, XsdFacet):
        return element_problem(element, "is too long, too short or out of range", "xsd_facet")
    if isinstance(validator, XsdAtomicBuiltin) and validator.name:
        return element_problem(element, f"is not a valid {local_name(validator.name)}", "xsd_type")
    return element_problem(element, "does not conform to the XSD", "xsd_invalid")


def _names(expected: object) -> list[str]:
    names = []
    for particle in expected if isinstance(expected, list | tuple) else []:
        name = getattr(particle, "local_name", None) or getattr(particle, "name", None)
        if isinstance(name, str):
            names.append(local_name(name))
    return names
