"""The v2 list `filter` expression language (AIP-160 style), enough for the documented uses.

Supported: comparisons `field = "x"`, `!=`, `<`, `<=`, `>`, `>=`, substring `field:"x"`, `*` as a
prefix/suffix wildcard in `=` values, AND / OR / NOT, juxtaposition as AND, and parentheses.
Anything else is a 400 "invalid filter expression", as the live API documents.
"""

import datetime
import fnmatch
import operator
import re

from .errors import ApiError

TOKEN = re.compile(r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op><=|>=|!=|=|<|>|:)|(?P<paren>[()])|(?P<word>[A-Za-z0-9_.\-*/]+))')
TIMESTAMP_FIELDS = ("created_at", "updated_at")
FIELD_ALIASES = {"createdAt": "created_at", "updatedAt": "updated_at"}
COMPARATORS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def invalid(detail):
    return ApiError(400, "invalid filter expression: %s" % detail, param="filter", code="invalid_filter")


def _tokenize(text):
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise invalid("unexpected character at position %d" % position)
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append((kind, value))
    return tokens


def _timestamp(value):
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("%r is not an RFC 3339 timestamp" % value)


class _Parser:
    def __init__(self, tokens, fields):
        self.tokens = tokens
        self.position = 0
        self.fields = fields

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.position += 1
        return token

    def parse(self):
        if not self.tokens:
            return lambda resource: True
        predicate = self.parse_or()
        if self.position != len(self.tokens):
            raise invalid("unexpected %r" % (self.peek()[1],))
        return predicate

    def parse_or(self):
        parts = [self.parse_and()]
        while self.peek() == ("word", "OR"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else (lambda resource: any(part(resource) for part in parts))

    def parse_and(self):
        parts = [self.parse_not()]
        while True:
            kind, value = self.peek()
            if (kind, value) == ("word", "AND"):
                self.take()
            elif kind is None or (kind, value) in (("paren", ")"), ("word", "OR")):
                break
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else (lambda resource: all(part(resource) for part in parts))

    def parse_not(self):
        if self.peek() == ("word", "NOT"):
            self.take()
            inner = self.parse_not()
            return lambda resource: not inner(resource)
        return self.parse_primary()

    def parse_primary(self):
        kind, value = self.take()
        if (kind, value) == ("paren", "("):
            inner = self.parse_or()
            if self.take() != ("paren", ")"):
                raise invalid("missing closing parenthesis")
            return inner
        if kind != "word":
            raise invalid("expected a field name, got %r" % (value,))
        field = FIELD_ALIASES.get(value, value)
        if field not in self.fields:
            raise invalid("unknown field %r; filterable fields: %s" % (value, ", ".join(self.fields)))
        op_kind, symbol = self.take()
        if op_kind != "op":
            raise invalid("expected an operator after %r" % value)
        value_kind, operand = self.take()
        if value_kind not in ("string", "word"):
            raise invalid("expected a value after %s%s" % (value, symbol))
        return self.comparison(field, symbol, operand)

    def comparison(self, field, symbol, operand):
        read = self.fields[field]
        if field in TIMESTAMP_FIELDS:
            if symbol == ":":
                raise invalid("%s does not support ':'" % field)
            wanted = _timestamp(operand)
            compare = COMPARATORS[symbol]
            return lambda resource: compare(_timestamp(read(resource)[0]), wanted)
        if symbol == ":":
            return lambda resource: any(operand in candidate for candidate in read(resource))
        if symbol in ("=", "!="):
            pattern = operand.replace("[", "[[]").replace("?", "[?]")
            negate = symbol == "!="

            def equals(resource):
                found = any(candidate == operand or ("*" in operand and fnmatch.fnmatchcase(candidate, pattern))
                            for candidate in read(resource))
                return found != negate
            return equals
        raise invalid("%s only supports =, != and ':'" % field)


def compile_filter(text, fields):
    """A predicate over resources; `fields` maps each filterable field to a reader returning candidate strings."""
    if text is None:
        return lambda resource: True
    return _Parser(_tokenize(text), fields).parse()
