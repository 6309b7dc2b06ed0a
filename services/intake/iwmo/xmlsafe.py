"""Reading a provider's XML without letting it attack the reader.

No DTD at all (so no entity expansion, billion laughs or external entities: defusedxml
refuses the declaration itself), a byte limit checked by the caller before parsing, and a
nesting limit while parsing. Expat's own messages are used for a malformed document: they
name a position, never the text that was there.
"""

from __future__ import annotations

import io
import xml.parsers.expat
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import iterparse

from services.intake.iwmo.errors import MessageRefused, element_problem

# A 305/307 is 6 levels deep (Bericht/Client/StartProducten/StartProduct/Product/Code).
MAX_DEPTH = 12


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def parse_xml(body: bytes) -> Element:
    """The document's root element, or MessageRefused (400) naming the open element."""
    open_elements: list[str] = []
    root: Element | None = None
    try:
        for event, elem in iterparse(io.BytesIO(body), events=("start", "end"), forbid_dtd=True):
            if event == "end":
                open_elements.pop()
                continue
            open_elements.append(local_name(elem.tag))
            root = elem if root is None else root
            if len(open_elements) > MAX_DEPTH:
                raise _refused(open_elements, f"nests deeper than {MAX_DEPTH} elements", "too_deep")
    except ParseError as exc:
        line, column = exc.position
        reason = f"is not well-formed XML ({xml.parsers.expat.ErrorString(exc.code)}) at line "
        raise _refused(open_elements, f"{reason}{line}, column {column}", "xml_malformed") from None
    except DTDForbidden:
        raise _forbidden("DOCTYPE", "a document type declaration (DTD) is not accepted") from None
    except EntitiesForbidden:
        raise _forbidden("ENTITY", "entity declarations are not accepted") from None
    except DefusedXmlException:
        raise _forbidden("(document)", "external references are not accepted") from None
    if root is None:  # pragma: no cover - expat reports an empty document as malformed
        raise _refused([], "is empty", "xml_malformed")
    return root


def _refused(open_elements: list[str], reason: str, code: str) -> MessageRefused:
    where = "/".join(open_elements) or "(document)"
    return MessageRefused(
        400, "malformed-xml", "Body is not acceptable XML", [element_problem(where, reason, code)]
    )


def _forbidden(element: str, reason: str) -> MessageRefused:
    return MessageRefused(
        400,
        "forbidden-xml",
        "XML construct not accepted",
        [element_problem(element, reason, "xml_forbidden")],
    )
