"""CASE/UCO JSON-LD (caseontology.org): the machine-readable half of a country package.

Node helpers used by the section providers, and the bundle around them: an `Investigation` for
the case, the unit as an `Organization`, and the export itself as an `InvestigativeAction` whose
result is a `ProvenanceRecord` listing what was handed over. Ids end in UUIDv5s derived from the
package, so one package always yields the same bundle and `case_validate` finds nothing to hint.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

Node = dict[str, Any]

CONTEXT: dict[str, str] = {
    "kb": "http://example.org/kb/",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
HASH_METHODS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "pdq": "PDQ"}


def id_maker(namespace: str) -> Callable[[str], str]:
    base = uuid.uuid5(uuid.NAMESPACE_URL, f"nigehbaan:{namespace}")

    def make(local: str) -> str:
        kind = local.split("-", 1)[0]
        return f"kb:{kind}-{uuid.uuid5(base, local)}"
    return make


def _time(moment: datetime) -> Node:
    return {"@type": "xsd:dateTime", "@value": moment.isoformat()}


def ref(identifier: str) -> Node:
    return {"@id": identifier}


def person(ids: Callable[[str], str], key: str, name: str) -> Node:
    return {"@id": ids(f"person-{key}"), "@type": "uco-identity:Person", "uco-core:name": name}


def account(ids: Callable[[str], str], kind: str, value: str) -> Node:
    """A phone, e-mail address or handle as its UCO observable."""
    key = f"{kind}-{value}"
    if kind == "phone":
        return {"@id": ids(f"account-{key}"), "@type": "uco-observable:PhoneAccount",
                "uco-core:hasFacet": [{"@id": ids(f"facet-{key}"),
                                       "@type": "uco-observable:PhoneAccountFacet",
                                       "uco-observable:phoneNumber": value}]}
    if kind == "email":
        return {"@id": ids(f"address-{key}"), "@type": "uco-observable:EmailAddress",
                "uco-core:hasFacet": [{"@id": ids(f"facet-{key}"),
                                       "@type": "uco-observable:EmailAddressFacet",
                                       "uco-observable:addressValue": value}]}
    return {"@id": ids(f"account-{key}"), "@type": "uco-observable:ApplicationAccount",
            "uco-core:hasFacet": [{"@id": ids(f"facet-{key}"),
                                   "@type": "uco-observable:AccountFacet",
                                   "uco-observable:accountIdentifier": value}]}


def ip_address(ids: Callable[[str], str], value: str) -> Node:
    version = "IPv6" if ":" in value else "IPv4"
    return {"@id": ids(f"address-ip-{value}"), "@type": f"uco-observable:{version}Address",
            "uco-core:hasFacet": [{"@id": ids(f"facet-ip-{value}"),
                                   "@type": f"uco-observable:{version}AddressFacet",
                                   "uco-observable:addressValue": value}]}


def relationship(ids: Callable[[str], str], key: str, source: str, target: str, kind: str,
                 at: datetime | None = None) -> Node:
    node: Node = {"@id": ids(f"relationship-{key}"), "@type": "uco-core:Relationship",
                  "uco-core:source": [ref(source)], "uco-core:target": ref(target),
                  "uco-core:kindOfRelationship": kind, "uco-core:isDirectional": True}
    if at is not None:
        node["uco-core:startTime"] = _time(at)
    return node


def file(ids: Callable[[str], str], key: str, name: str, hashes: dict[str, str]) -> Node:
    facets: list[Node] = []
    if name:
        facets.append({"@id": ids(f"facet-name-{key}"), "@type": "uco-observable:FileFacet",
                       "uco-observable:fileName": name})
    facets.append({"@id": ids(f"facet-content-{key}"), "@type": "uco-observable:ContentDataFacet",
                   "uco-observable:hash": [
                       {"@id": ids(f"hash-{key}-{algorithm}"), "@type": "uco-types:Hash",
                        "uco-types:hashMethod": {"@type": "xsd:string",
                                                 "@value": HASH_METHODS.get(algorithm, algorithm)},
                        "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": value}}
                       for algorithm, value in sorted(hashes.items())]})
    return {"@id": ids(f"file-{key}"), "@type": "uco-observable:File",
            "uco-core:hasFacet": facets}


def bundle(ids: Callable[[str], str], *, case_reference: str, case_title: str, summary: str,
           unit: str, country: str, built_at: datetime, nodes: list[Node],
           exhibit: str) -> Node:
    """The JSON-LD document: every node at the top of `@graph`, listed in the bundle."""
    unit_node: Node = {"@id": ids("organization-unit"), "@type": "uco-identity:Organization",
                 "uco-core:name": unit}
    listed: list[str] = [node["@id"] for node in nodes]
    provenance: Node = {"@id": ids("provenancerecord-package"),
                  "@type": "case-investigation:ProvenanceRecord",
                  "case-investigation:exhibitNumber": exhibit,
                  "uco-core:description": f"Country package for {country}",
                  "uco-core:object": [ref(i) for i in listed]}
    action: Node = {"@id": ids("investigativeaction-export"),
              "@type": "case-investigation:InvestigativeAction",
              "uco-core:name": f"Referral to {country}",
              "uco-action:performer": ref(unit_node["@id"]),
              "uco-action:startTime": _time(built_at), "uco-action:endTime": _time(built_at),
              "uco-action:result": [ref(provenance["@id"])]}
    investigation: Node = {"@id": ids("investigation-case"),
                     "@type": "case-investigation:Investigation",
                     "uco-core:name": f"{case_reference}: {case_title}",
                     "uco-core:description": summary or case_title,
                     "uco-core:object": [ref(i) for i in [*listed, action["@id"]]]}
    everything = [investigation, unit_node, action, provenance, *nodes]
    root = {"@id": ids("bundle-package"), "@type": "uco-core:Bundle",
            "uco-core:description": f"Nigehbaan country package {exhibit}",
            "uco-core:object": [ref(node["@id"]) for node in everything]}
    return {"@context": CONTEXT, "@graph": [root, *everything]}
