#!/usr/bin/env python3
"""check_snapshot.py: check a sitrep snapshot file.

  check_snapshot.py json FILE [SCHEMA]
                                FILE is valid JSON and matches SCHEMA
                                (default docs/snapshot.schema.json)
  check_snapshot.py html FILE   FILE is well-formed (XML-parsable) HTML with
                                no script, no external asset, no control byte

Exit 0 when the file passes, 1 with the reason on stderr when it does not,
2 on a usage error.  Only the standard library is used.  The JSON Schema
validator covers the subset the snapshot schema uses: type (a name or a list
of names, so "null" in the list makes a value nullable), required,
properties, additionalProperties (false or a schema), items, enum, minimum
and $ref to "#/definitions/...".
"""

import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "docs", "snapshot.schema.json")


class Invalid(Exception):
    """The document does not satisfy the schema; the message says where."""


def type_ok(value, name):
    """Whether value is of the JSON Schema type name."""
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(
            value, bool) and math.isfinite(value)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise Invalid("schema uses unknown type %r" % name)


def resolve(schema, root):
    """Follow a local $ref."""
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise Invalid("schema uses a non-local $ref %r" % ref)
        node = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
    return schema


def validate(value, schema, root, where):
    """Raise Invalid if value does not match schema."""
    schema = resolve(schema, root)
    types = schema.get("type")
    if types is not None:
        if isinstance(types, str):
            types = [types]
        if not any(type_ok(value, t) for t in types):
            raise Invalid("%s: %s is not of type %s" % (
                where, json.dumps(value)[:60], " or ".join(types)))
    if "enum" in schema and value not in schema["enum"]:
        raise Invalid("%s: %s is not one of %s" % (
            where, json.dumps(value)[:60], schema["enum"]))
    if "minimum" in schema and isinstance(value, (int, float)) and \
            not isinstance(value, bool) and value < schema["minimum"]:
        raise Invalid("%s: %s is below %s" % (where, value,
                                              schema["minimum"]))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                raise Invalid("%s: required field %r is missing" % (
                    where, key))
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                validate(item, props[key], root, "%s.%s" % (where, key))
            elif extra is False:
                raise Invalid("%s: field %r is not in the schema" % (
                    where, key))
            elif isinstance(extra, dict):
                validate(item, extra, root, "%s.%s" % (where, key))
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            validate(item, schema["items"], root, "%s[%d]" % (where, i))


def reject_constant(name):
    """json.load hook: NaN and Infinity are not JSON."""
    raise Invalid("%s is not a JSON number" % name)


def check_json(path, schema_path=SCHEMA):
    """Validate a JSON document against a schema (the snapshot's)."""
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f, parse_constant=reject_constant)
    except (ValueError, UnicodeDecodeError) as e:
        raise Invalid("not valid JSON: %s" % e)
    validate(doc, schema, schema, "$")


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_html(path):
    """Check an HTML snapshot is well-formed, self-contained and inert."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("not valid UTF-8: %s" % e)
    if not text.startswith("<!DOCTYPE html>\n"):
        raise Invalid("does not start with <!DOCTYPE html>")
    m = CONTROL.search(text)
    if m:
        raise Invalid("control character U+%04X at offset %d" % (
            ord(m.group()), m.start()))
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        raise Invalid("not well-formed: %s" % e)
    xhtml = "{http://www.w3.org/1999/xhtml}"
    if root.tag != xhtml + "html":
        raise Invalid("root element is %s, not html in the XHTML "
                      "namespace" % root.tag)
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower()
        if tag in ("script", "iframe", "object", "embed", "link", "img",
                   "base", "form"):
            raise Invalid("forbidden element <%s>" % tag)
        for attr, val in el.attrib.items():
            name = attr.split("}")[-1].lower()
            if name.startswith("on"):
                raise Invalid("event handler attribute %s on <%s>" % (
                    name, tag))
            if name in ("href", "src", "xlink:href", "action"):
                if tag != "a" or name != "href" or not re.match(
                        r"https?://", val, re.I):
                    raise Invalid("%s=%r on <%s> is not an http(s) link" %
                                  (name, val, tag))
    if root.find(xhtml + "head/" + xhtml + "title") is None:
        raise Invalid("no <title> in <head>")


def main(argv):
    """Dispatch on the kind of file."""
    if len(argv) not in (3, 4) or argv[1] not in ("json", "html") or (
            len(argv) == 4 and argv[1] != "json"):
        sys.stderr.write("usage: check_snapshot.py json FILE [SCHEMA] | "
                         "html FILE\n")
        return 2
    try:
        if argv[1] == "json":
            check_json(*argv[2:])
        else:
            check_html(argv[2])
    except OSError as e:
        sys.stderr.write("%s: %s\n" % (argv[2], e))
        return 1
    except Invalid as e:
        sys.stderr.write("%s: %s\n" % (argv[2], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
