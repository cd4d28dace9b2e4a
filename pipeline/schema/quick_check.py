"""A quick yes/no test of a JSON Schema, for the keywords our document schema uses.

`jsonschema` walks the schema anew for every record and spends far longer on it than the
pipeline spends on a document of the `fast` profile. `compile_check(schema)` turns the schema
into nested Python functions once. The test is conservative: when it says True, jsonschema
(draft 2020-12) accepts the instance too; when it says False, the caller asks jsonschema,
which gives the verdict and the messages. So it may only err towards False: a float such as
1.0 given for an integer, a NaN, or a non-string in an enum or a unique list is left to
jsonschema.

A keyword it does not know raises `UnsupportedSchema` when the schema is compiled, so a new
keyword in the schema makes the caller fall back to jsonschema rather than go unchecked.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only document the schema and constrain nothing.
ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "examples", "default",
                         "$defs"})


class UnsupportedSchema(ValueError):
    """The schema uses a keyword (or a form of one) that compile_check does not implement."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# The "integer" test rejects 1.0, which JSON Schema accepts: such a record goes to jsonschema.
TYPE_TESTS: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def compile_check(schema: dict[str, Any]) -> Check:
    """A function telling whether an instance surely satisfies `schema` (see the module docstring)."""
    return _Compiler(schema).compile(schema)


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return lambda value: True
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"schema {schema!r}")
        checks = [self.keyword(key, arg, schema) for key, arg in schema.items() if key not in ANNOTATIONS]
        checks = [c for c in checks if c is not None]
        if len(checks) == 1:
            return checks[0]

        # Plain loops rather than all(...) here and below: these run for every value of every record.
        def all_hold(value: Any) -> bool:
            for check in checks:
                if not check(value):
                    return False
            return True

        return all_hold

    def keyword(self, key: str, arg: Any, schema: dict[str, Any]) -> Check | None:
        if key == "type":
            names = [arg] if isinstance(arg, str) else list(arg)
            if any(name not in TYPE_TESTS for name in names):
                raise UnsupportedSchema(f"type {arg!r}")
            tests = [TYPE_TESTS[name] for name in names]
            if len(tests) == 1:
                return tests[0]

            def one_type_holds(value: Any) -> bool:
                for test in tests:
                    if test(value):
                        return True
                return False

            return one_type_holds
        if key == "properties":
            properties = [(name, self.compile(sub)) for name, sub in arg.items()]

            def properties_hold(value: Any) -> bool:
                if isinstance(value, dict):
                    for name, check in properties:
                        if name in value and not check(value[name]):
                            return False
                return True

            return properties_hold
        if key == "required":
            required = frozenset(arg)
            return lambda value: not isinstance(value, dict) or required.issubset(value)
        if key == "items":
            item = self.compile(arg)

            def items_hold(value: Any) -> bool:
                if isinstance(value, list):
                    for v in value:
                        if not item(v):
                            return False
                return True

            return items_hold
        if key == "enum":
            if not all(isinstance(v, str) for v in arg):
                raise UnsupportedSchema(f"enum {arg!r}")
            allowed = frozenset(arg)
            return lambda value: isinstance(value, str) and value in allowed
        if key == "pattern":
            pattern = re.compile(arg)  # jsonschema also uses re.search
            return lambda value: not isinstance(value, str) or pattern.search(value) is not None
        if key == "minLength":
            return lambda value: not isinstance(value, str) or len(value) >= arg
        if key == "minimum":
            return lambda value: not _is_number(value) or value >= arg
        if key == "maximum":
            return lambda value: not _is_number(value) or value <= arg
        if key == "uniqueItems":
            if not arg:
                return None
            return lambda value: not isinstance(value, list) or (
                all(isinstance(v, str) for v in value) and len(set(value)) == len(value))
        if key == "anyOf":
            options = [self.compile(sub) for sub in arg]
            return lambda value: any(option(value) for option in options)
        if key == "$ref":
            return self.ref(arg)
        raise UnsupportedSchema(f"keyword {key!r}")

    def ref(self, target: str) -> Check:
        """A reference into this schema's $defs, compiled once (on first use, for recursion)."""
        prefix = "#/$defs/"
        if not target.startswith(prefix) or target[len(prefix):] not in self.root.get("$defs", {}):
            raise UnsupportedSchema(f"$ref {target!r}")
        if target not in self.refs:
            self.refs[target] = lambda value: self.refs[target](value)  # placeholder while compiling
            self.refs[target] = self.compile(self.root["$defs"][target[len(prefix):]])
        return self.refs[target]
