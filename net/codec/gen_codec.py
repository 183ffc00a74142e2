#!/usr/bin/env python3
"""Generates the Kafka protocol codecs from ringlog's message definitions.

Each definition file (net/codec/messages/*.msg) describes one API: its key, the versions
ringlog serves, the first flexible version, and the fields of its request and response.
For every definition this script writes <stem>_codec.h and <stem>_codec.cc: C++ structs and
Decode/Encode functions for every served version, classic and flexible (compact types and
tagged fields). It also writes message_registry.{h,cc} (every decoder, for the property
tests) and, for the tests only, codec_samples.cc (a round trip of a filled-in message at
every version).

Definition format (indentation of two spaces nests a struct's fields under it):

    # Free text: becomes the header comment of the generated file.
    api 0 Produce
    versions 0-11
    flexible 9+
    constant kSomeName int64 -1  # a named value for defaults and handlers
    request
      transactional_id string 3+ nullable=3+  # trailing text becomes the field's comment
      topics []Topic 0+
        name string 0+
    response
      ...

A field line is `name type versions [option ...] [# comment]`. Versions are `N+`, `N-M`,
`N` or `none`. Types: bool int8 int16 int32 int64 uint16 uint32 float64 uuid string bytes
records, `[]T` (an array), or a struct name T; a struct's fields follow, indented, the first
time it is named, and a later field may name it again to reuse it. Options: nullable=V,
tag=N (a tagged field of flexible versions), default=LITERAL (a C++ literal, `null`, or
`max`/`min` for the type's limits), null_elsewhere=refuse (an array nullable in only some
of its versions: outside them a null is malformed on decoding and a CHECK failure on
encoding, instead of being read as null and written as an empty array).

Every int16 field of a response named error_code or *_error_code is an error code:
ForEachErrorCode visits the non-zero ones a response carries at a version, for the broker's
error counters.

Records in a request are a view into the request buffer (std::span plus its position);
records in a response are an engine ReadResult, which an encoder over an OutboundFrame
appends without copying.
"""

import argparse
import os
import re
import sys

INT_TYPES = {
    "bool": ("bool", 1, "Bool"),
    "int8": ("int8_t", 1, "Int8"),
    "int16": ("int16_t", 2, "Int16"),
    "int32": ("int32_t", 4, "Int32"),
    "int64": ("int64_t", 8, "Int64"),
    "uint16": ("uint16_t", 2, "Uint16"),
    "uint32": ("uint32_t", 4, "Uint32"),
    "float64": ("double", 8, "Float64"),
    "uuid": ("Uuid", 16, "Uuid"),
}
VARIABLE_TYPES = {"string", "bytes", "records"}
MAX_VERSION = 0x7FFF


class DefinitionError(Exception):
    pass


def parse_versions(text, where):
    if text == "none":
        return None
    m = re.fullmatch(r"(\d+)\+", text)
    if m:
        return (int(m.group(1)), MAX_VERSION)
    m = re.fullmatch(r"(\d+)-(\d+)", text)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        if lo > hi:
            raise DefinitionError(f"{where}: empty version range {text}")
        return (lo, hi)
    m = re.fullmatch(r"(\d+)", text)
    if m:
        return (int(m.group(1)), int(m.group(1)))
    raise DefinitionError(f"{where}: bad versions '{text}'")


class Field:
    def __init__(self, name, type_text, versions, options, comment, where):
        self.name = name
        self.where = where
        self.comment = comment
        self.is_array = type_text.startswith("[]")
        self.type = type_text[2:] if self.is_array else type_text
        self.versions = versions
        self.nullable = None
        self.tag = None
        self.default = None
        self.struct = None  # the Struct, for struct-typed fields and arrays of structs
        self.refuse_null = False
        for opt in options:
            key, _, value = opt.partition("=")
            if key == "nullable":
                self.nullable = parse_versions(value, where)
            elif key == "tag":
                self.tag = int(value)
            elif key == "default":
                self.default = value
            elif opt == "null_elsewhere=refuse":
                self.refuse_null = True
            else:
                raise DefinitionError(f"{where}: unknown option '{opt}'")
        if self.is_struct_type() and self.nullable and not self.is_array:
            raise DefinitionError(f"{where}: nullable structs are not supported")

    def is_struct_type(self):
        return self.type[:1].isupper()


class Struct:
    def __init__(self, name):
        self.name = name
        self.fields = []
        self.comparable = True


class Message:
    def __init__(self, stem):
        self.stem = stem
        self.doc = []
        self.key = None
        self.name = None
        self.versions = None
        self.flexible = None
        self.request = None
        self.response = None
        self.constants = []  # (name, C++ type, value, comment)


def parse(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    msg = Message(stem)
    section = None  # (top Struct, {name: Struct}, is_request)
    stack = []  # [(indent, Struct)]
    with open(path) as f:
        lines = f.read().splitlines()
    for number, raw in enumerate(lines, 1):
        where = f"{path}:{number}"
        if not raw.strip():
            continue
        if raw.startswith("#"):
            if section is None:
                msg.doc.append(raw[1:].strip())
            continue
        body, _, comment = raw.partition("#")
        indent = len(body) - len(body.lstrip(" "))
        words = body.split()
        if indent == 0:
            if words[0] == "api":
                msg.key, msg.name = int(words[1]), words[2]
            elif words[0] == "versions":
                msg.versions = parse_versions(words[1], where)
            elif words[0] == "flexible":
                msg.flexible = parse_versions(words[1], where)
            elif words[0] == "constant":
                if len(words) != 4 or words[2] not in INT_TYPES:
                    raise DefinitionError(f"{where}: want 'constant kName type value'")
                msg.constants.append((words[1], INT_TYPES[words[2]][0], words[3],
                                      comment.strip()))
            elif words[0] in ("request", "response"):
                is_request = words[0] == "request"
                top = Struct(msg.name + ("Request" if is_request else "Response"))
                section = (top, {}, is_request)
                if is_request:
                    msg.request = top
                else:
                    msg.response = top
                stack = [(0, top)]
            else:
                raise DefinitionError(f"{where}: unknown directive '{words[0]}'")
            continue
        if section is None:
            raise DefinitionError(f"{where}: field outside request/response")
        if indent % 2:
            raise DefinitionError(f"{where}: indent by two spaces")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            raise DefinitionError(f"{where}: bad indentation")
        parent = stack[-1][1]
        if len(words) < 3:
            raise DefinitionError(f"{where}: want 'name type versions'")
        field = Field(words[0], words[1], parse_versions(words[2], where), words[3:],
                      comment.strip(), where)
        field.in_request = section[2]
        if any(f.name == field.name for f in parent.fields):
            raise DefinitionError(f"{where}: field {field.name} defined twice")
        parent.fields.append(field)
        if field.is_struct_type():
            structs = section[1]
            if field.type in structs:
                field.struct = structs[field.type]
            else:
                if field.type == section[0].name:
                    raise DefinitionError(f"{where}: struct named like its message")
                field.struct = Struct(field.type)
                structs[field.type] = field.struct
                stack.append((indent, field.struct))
                field.struct.defined_at = where
        elif field.type not in INT_TYPES and field.type not in VARIABLE_TYPES:
            raise DefinitionError(f"{where}: unknown type '{field.type}'")
    for need, what in ((msg.key, "api"), (msg.versions, "versions"), (msg.request, "request"),
                       (msg.response, "response")):
        if need is None:
            raise DefinitionError(f"{path}: no {what}")
    if msg.flexible is None:
        raise DefinitionError(f"{path}: no flexible line (write 'flexible none')")
    for top in (msg.request, msg.response):
        mark_comparable(top)
        for s in structs_in_order(top):
            if not s.fields and s is not top:
                raise DefinitionError(f"{path}: struct {s.name} has no fields")
    return msg


def mark_comparable(struct):
    for f in struct.fields:
        if f.type == "records":
            struct.comparable = False
        if f.struct is not None:
            mark_comparable(f.struct)
            if not f.struct.comparable:
                struct.comparable = False


def structs_in_order(top):
    """Every nested struct, innermost first, each once, then top."""
    seen, out = set(), []

    def visit(s):
        for f in s.fields:
            if f.struct is not None and f.struct.name not in seen:
                seen.add(f.struct.name)
                visit(f.struct)
                out.append(f.struct)

    visit(top)
    out.append(top)
    return out


# ---- C++ types and expressions ------------------------------------------------------------

def is_nullable(f):
    return f.nullable is not None


def scalar_cpp(f, top, qualified=True):
    if f.struct is not None:
        return f"{top.name}::{f.struct.name}" if qualified else f.struct.name
    if f.type in INT_TYPES:
        return INT_TYPES[f.type][0]
    if f.type in ("string", "bytes"):
        return "std::string"
    raise DefinitionError(f"{f.where}: records cannot be an array element")


def member_cpp(f, top):
    if f.type == "records":
        return "std::optional<std::span<const uint8_t>>" if f.in_request else "ReadResult"
    if f.is_array:
        inner = f"std::vector<{scalar_cpp(f, top, False)}>"
    else:
        inner = scalar_cpp(f, top, False)
    if is_nullable(f):
        return f"std::optional<{inner}>"
    return inner


def limit_literal(f, which):
    cpp = INT_TYPES[f.type][0]
    return f"std::numeric_limits<{cpp}>::{which}()"


def default_literal(f):
    """The initializer of a member, or None for value-initialisation."""
    d = f.default
    if d is None or d == "null":
        if f.type in INT_TYPES and not f.is_array and f.type != "uuid":
            return "false" if f.type == "bool" else "0"
        return None
    if d in ("max", "min"):
        return limit_literal(f, d)
    if f.type == "string" and not f.is_array:
        return d if d.startswith('"') else f'"{d}"'
    return d


def has_value_check(f, var):
    """A C++ condition: `var` differs from the field's default (for tagged fields)."""
    if is_nullable(f):
        return f"{var}.has_value()"
    if f.is_array:
        return f"!{var}.empty()"
    if f.struct is not None:
        return f"!({var} == std::remove_cvref_t<decltype({var})>{{}})"
    d = default_literal(f)
    if f.type in ("string", "bytes"):
        return f"!{var}.empty()" if d is None else f"{var} != {d}"
    if f.type == "uuid":
        return f"!{var}.IsZero()"
    return f"{var} != {d}"


def version_cond(rng, within=None):
    """A C++ condition on `version` for the range, or None when always true in `within`."""
    if rng is None:
        return "false"
    lo, hi = rng
    wlo, whi = within if within else (0, MAX_VERSION)
    parts = []
    if lo > wlo:
        parts.append(f"version >= {lo}")
    if hi < whi:
        parts.append(f"version <= {hi}")
    return " && ".join(parts) if parts else None


def min_bytes_of(f):
    """A C++ expression: the fewest bytes field f takes on the wire (not tagged)."""
    if f.is_array:
        return "(flexible ? 1 : 4)"
    if f.struct is not None:
        return f"MinBytes{f.struct.cpp_id}(version, flexible)"
    if f.type in INT_TYPES:
        return str(INT_TYPES[f.type][1])
    if f.type == "string":
        return "(flexible ? 1 : 2)"
    return "(flexible ? 1 : 4)"  # bytes, records


def element_min_bytes(f):
    if f.struct is not None:
        return f"MinBytes{f.struct.cpp_id}(version, flexible)"
    if f.type in INT_TYPES:
        return str(INT_TYPES[f.type][1])
    if f.type == "string":
        return "(flexible ? size_t{1} : size_t{2})"
    return "(flexible ? size_t{1} : size_t{4})"


class Emitter:
    def __init__(self):
        self.lines = []
        self.depth = 0

    def line(self, text=""):
        self.lines.append(("  " * self.depth + text) if text else "")

    def open(self, text):
        self.line(text + " {")
        self.depth += 1

    def close(self, suffix=""):
        self.depth -= 1
        self.line("}" + suffix)

    def text(self):
        return "\n".join(self.lines) + "\n"


def emit_in_versions(e, fields, msg, emit_field):
    """Calls emit_field(f) for each of `fields` that a served version has, its output
    inside `if (<the field's versions>)` where they are not all of them."""
    for f in fields:
        cond = version_cond(f.versions, msg.versions)
        if cond == "false":
            continue
        if cond:
            e.open(f"if ({cond})")
        emit_field(f)
        if cond:
            e.close()


# ---- Decoding -----------------------------------------------------------------------------

def emit_read_scalar(e, f, target, top, reader):
    """Reads one non-array value of field f into `target` (an lvalue). A field nullable in
    some version is read as nullable in every version: decoding is lenient where encoding
    follows the versions."""
    t = f.type
    if f.struct is not None:
        e.line(f"ASSIGN_OR_RETURN({target}, Read{f.struct.cpp_id}({reader}, version, flexible));")
    elif t == "uuid":
        e.line(f"ASSIGN_OR_RETURN({target}, {reader}.ReadUuid());")
    elif t in INT_TYPES:
        e.line(f"ASSIGN_OR_RETURN({target}, {reader}.Read{INT_TYPES[t][2]}());")
    elif t == "records":
        if f.in_request:
            e.line(f"ASSIGN_OR_RETURN({target}, {reader}.ReadNullableBytes(flexible));")
            e.line(f"if ({target}) {target}_position = {reader}.position() - {target}->size();")
        else:
            e.open("")
            e.line(f"ASSIGN_OR_RETURN(auto bytes, {reader}.ReadNullableBytes(flexible));")
            e.line(f"if (bytes) {target}.data = std::string(bytes->begin(), bytes->end());")
            e.close()
    else:
        kind = "String" if t == "string" else "BytesAsString"
        # In a nullable array it is the array that may be null, never an element.
        if not is_nullable(f) or f.is_array:
            e.line(f"ASSIGN_OR_RETURN({target}, {reader}.Read{kind}(flexible));")
        else:
            e.line(f"ASSIGN_OR_RETURN({target}, {reader}.ReadNullable{kind}(flexible));")


def emit_read_field(e, f, target, top, reader):
    if not f.is_array:
        emit_read_scalar(e, f, target, top, reader)
        return
    elem = scalar_cpp(f, top)
    e.open(f"auto read_{f.name} = [&](WireReader& r) -> Result<{elem}>")
    if f.struct is not None:
        e.line(f"return Read{f.struct.cpp_id}(r, version, flexible);")
    else:
        e.line(f"{elem} item{{}};")
        emit_read_scalar(e, f, "item", top, "r")
        e.line("return item;")
    e.close(";")
    fn = "ReadNullableArray" if is_nullable(f) else "ReadArray"
    call = f"{fn}<{elem}>({reader}, flexible, {element_min_bytes(f)}, read_{f.name})"
    nullable_cond = version_cond(f.nullable, f.versions) if is_nullable(f) else None
    if nullable_cond is None or not f.refuse_null:
        e.line(f"ASSIGN_OR_RETURN({target}, {call});")
        return
    # A null array has a meaning ("all topics") only where the schema allows it; before
    # that it is malformed, as Kafka's decoder says.
    e.open(f"if ({nullable_cond})")
    e.line(f"ASSIGN_OR_RETURN({target}, {call});")
    e.close()
    e.open("else")
    e.line(f"ASSIGN_OR_RETURN({target}, ReadArray<{elem}>({reader}, flexible, "
           f"{element_min_bytes(f)}, read_{f.name}));")
    e.close()


def emit_reader(e, s, top, msg):
    cpp = s.cpp_name
    e.open(f"Result<{cpp}> Read{s.cpp_id}(WireReader& reader, int16_t version, bool flexible)")
    e.line("(void)version;")
    e.line(f"{cpp} out;")
    emit_in_versions(e, [f for f in s.fields if f.tag is None], msg,
                     lambda f: emit_read_field(e, f, f"out.{f.name}", top, "reader"))
    tagged = [f for f in s.fields if f.tag is not None]
    e.open("if (flexible)")
    if not tagged:
        e.line("RETURN_IF_ERROR(reader.SkipTaggedFields());")
    else:
        e.line("ASSIGN_OR_RETURN(uint32_t tag_count, reader.ReadUnsignedVarint());")
        e.open("for (uint32_t i = 0; i < tag_count; ++i)")
        e.line("ASSIGN_OR_RETURN(uint32_t tag, reader.ReadUnsignedVarint());")
        e.line("ASSIGN_OR_RETURN(uint32_t size, reader.ReadUnsignedVarint());")
        e.line("ASSIGN_OR_RETURN(std::span<const uint8_t> value, reader.ReadRaw(size));")
        e.line("WireReader tag_reader(value);")
        e.line("(void)tag_reader;")
        for f in tagged:
            cond = version_cond(f.versions, msg.versions)
            full = f"tag == {f.tag}" + (f" && {cond}" if cond else "")
            e.open(f"if ({full})")
            emit_read_field(e, f, f"out.{f.name}", top, "tag_reader")
            e.close()
        e.close()
    e.close()
    e.line("return out;")
    e.close()
    e.line()


# ---- Encoding -----------------------------------------------------------------------------

def emit_write_scalar(e, f, value, writer, nullable_cond):
    t = f.type
    if f.struct is not None:
        e.line(f"Write{f.struct.cpp_id}({writer}, {value}, version, flexible);")
    elif t == "uuid":
        e.line(f"{writer}.WriteUuid({value});")
    elif t in INT_TYPES:
        e.line(f"{writer}.Write{INT_TYPES[t][2]}({value});")
    elif t == "records":
        if f.in_request:
            e.line(f"{writer}.WriteNullableBytes({value}, flexible);")
        else:
            e.line(f"{writer}.WriteRecords({value}, flexible);")
    else:
        plain = "String" if t == "string" else "Bytes"
        nullable = "NullableString" if t == "string" else "NullableBytesFromString"
        if not is_nullable(f) or f.is_array:  # array elements are never null
            e.line(f"{writer}.Write{plain}({value}, flexible);")
        elif nullable_cond is None:
            e.line(f"{writer}.Write{nullable}({value}, flexible);")
        else:
            e.open(f"if ({nullable_cond})")
            e.line(f"{writer}.Write{nullable}({value}, flexible);")
            e.close()
            e.open("else")
            e.line(f"{writer}.Write{plain}({value} ? *{value} : std::string(), flexible);")
            e.close()


def emit_write_field(e, f, value, top, writer):
    nullable_cond = None
    if is_nullable(f):
        nullable_cond = version_cond(f.nullable, f.versions)
    if not f.is_array:
        emit_write_scalar(e, f, value, writer, nullable_cond)
        return
    elem = scalar_cpp(f, top)
    e.open(f"auto write_{f.name} = [&](WireWriter& w, const {elem}& item)")
    emit_write_scalar(e, f, "item", "w", None)
    e.close(";")
    if is_nullable(f):
        if nullable_cond is None:
            e.line(f"WriteNullableArray({writer}, {value}, flexible, write_{f.name});")
        else:
            e.open(f"if ({nullable_cond})")
            e.line(f"WriteNullableArray({writer}, {value}, flexible, write_{f.name});")
            e.close()
            if f.refuse_null:
                e.open("else")
                # Null has no encoding here: the caller broke the message's contract.
                e.line(f'CHECK({value}.has_value()) << "{f.name}: a null {f.type.lower()} list '
                       f'at version " << version << ", nullable only in '
                       f'{version_text(f.nullable)}";')
                e.line(f"WriteArray({writer}, *{value}, flexible, write_{f.name});")
                e.close()
            else:
                e.open(f"else if ({value})")
                e.line(f"WriteArray({writer}, *{value}, flexible, write_{f.name});")
                e.close()
                e.open("else")
                e.line(f"{writer}.WriteArrayLength(0, flexible);")
                e.close()
    else:
        e.line(f"WriteArray({writer}, {value}, flexible, write_{f.name});")


def emit_writer(e, s, top, msg):
    cpp = s.cpp_name
    e.open(f"void Write{s.cpp_id}(WireWriter& writer, const {cpp}& in, int16_t version, "
           "bool flexible)")
    e.line("(void)version;")
    emit_in_versions(e, [f for f in s.fields if f.tag is None], msg,
                     lambda f: emit_write_field(e, f, f"in.{f.name}", top, "writer"))
    tagged = sorted((f for f in s.fields if f.tag is not None), key=lambda f: f.tag)
    e.open("if (flexible)")
    if not tagged:
        e.line("writer.WriteEmptyTaggedFields();")
    else:
        present = []
        for f in tagged:
            cond = version_cond(f.versions, msg.versions)
            check = has_value_check(f, f"in.{f.name}")
            present.append(f"({cond} && {check})" if cond else f"({check})")
        e.line("uint32_t tag_count = 0;")
        for i, p in enumerate(present):
            e.line(f"const bool write_tag_{i} = {p};")
            e.line(f"tag_count += write_tag_{i} ? 1 : 0;")
        e.line("writer.WriteUnsignedVarint(tag_count);")
        for i, f in enumerate(tagged):
            e.open(f"if (write_tag_{i})")
            e.line("std::string value;")
            e.line("WireWriter tag_writer(&value);")
            emit_write_field(e, f, f"in.{f.name}", top, "tag_writer")
            e.line(f"writer.WriteUnsignedVarint({f.tag});")
            e.line("writer.WriteUnsignedVarint(static_cast<uint32_t>(value.size()));")
            e.line("writer.WriteRaw(value);")
            e.close()
    e.close()
    e.close()
    e.line()


def emit_min_bytes(e, s, msg):
    e.open(f"size_t MinBytes{s.cpp_id}(int16_t version, bool flexible)")
    e.line("(void)version;")
    e.line("size_t n = flexible ? 1 : 0;")
    for f in s.fields:
        if f.tag is not None:
            continue
        cond = version_cond(f.versions, msg.versions)
        if cond == "false":
            continue
        add = f"n += {min_bytes_of(f)};"
        e.line(f"if ({cond}) {add}" if cond else add)
    e.line("return n;")
    e.close()
    e.line()


# ---- Error codes ---------------------------------------------------------------------------

def is_error_code(f):
    return f.type == "int16" and not f.is_array and (
        f.name == "error_code" or f.name.endswith("_error_code"))


def carries_errors(s):
    return any(is_error_code(f) or (f.struct is not None and carries_errors(f.struct))
               for f in s.fields)


def emit_error_visitor(e, s, msg):
    e.open(f"void VisitErrors{s.cpp_id}(const {s.cpp_name}& in, int16_t version, "
           "const std::function<void(int16_t)>& visit)")
    e.line("(void)version;")

    def visit_field(f):
        if is_error_code(f):
            e.line(f"if (in.{f.name} != 0) visit(in.{f.name});")
        elif not f.is_array:
            e.line(f"VisitErrors{f.struct.cpp_id}(in.{f.name}, version, visit);")
        else:
            items = f"*in.{f.name}" if is_nullable(f) else f"in.{f.name}"
            if is_nullable(f):
                e.open(f"if (in.{f.name})")
            e.open(f"for (const {f.struct.cpp_name}& item : {items})")
            e.line(f"VisitErrors{f.struct.cpp_id}(item, version, visit);")
            e.close()
            if is_nullable(f):
                e.close()

    emit_in_versions(e, [f for f in s.fields if is_error_code(f) or
                         (f.struct is not None and carries_errors(f.struct))], msg, visit_field)
    e.close()
    e.line()


# ---- Header -------------------------------------------------------------------------------

def emit_struct_decl(e, s, top):
    if s is not top:
        e.open(f"struct {s.name}")
    for f in s.fields:
        if f.comment:
            e.line(f"// {f.comment}")
        init = default_literal(f)
        cpp = member_cpp(f, top)
        if f.type == "records":
            e.line(f"{cpp} {f.name};")
        elif init is None:
            # `{}` so that an aggregate initializer may leave the member out.
            e.line(f"{cpp} {f.name}{{}};")
        else:
            e.line(f"{cpp} {f.name} = {init};")
        if f.type == "records" and f.in_request:
            e.line(f"// Set by decoding: where `{f.name}` starts in the reader's buffer.")
            e.line(f"size_t {f.name}_position = 0;")
    if s.comparable:
        e.line()
        e.line(f"bool operator==(const {s.name}&) const = default;")
    if s is not top:
        e.close(";")
        e.line()


def version_text(rng):
    return "none" if rng is None else f"{rng[0]}-{rng[1]}"


def generate_header(msg, source_rel):
    e = Emitter()
    e.line(f"// Generated by net/codec/gen_codec.py from {source_rel}; do not edit.")
    e.line("//")
    for d in msg.doc:
        e.line(f"// {d}".rstrip())
    e.line("#pragma once")
    e.line()
    for inc in ("cstddef", "cstdint", "functional", "limits", "optional", "span", "string",
                "vector"):
        e.line(f"#include <{inc}>")
    e.line()
    e.line('#include "engine/log/read_result.h"')
    e.line('#include "engine/status.h"')
    e.line('#include "engine/uuid.h"')
    e.line('#include "net/codec/wire_reader.h"')
    e.line('#include "net/codec/wire_writer.h"')
    if has_response_records(msg):
        e.line('#include "net/server/outbound_frame.h"')
    e.line()
    e.line("namespace ringlog {")
    e.line()
    n = msg.name
    flex = msg.flexible[0] if msg.flexible else "kNeverFlexibleVersion"
    e.line(f"inline constexpr int16_t k{n}ApiKey = {msg.key};")
    e.line(f"inline constexpr int16_t k{n}MinVersion = {msg.versions[0]};")
    e.line(f"inline constexpr int16_t k{n}MaxVersion = {msg.versions[1]};")
    e.line(f"inline constexpr int16_t k{n}FirstFlexibleVersion = {flex};")
    e.line()
    for name, cpp, value, comment in msg.constants:
        if comment:
            e.line(f"// {comment}")
        e.line(f"inline constexpr {cpp} {name} = {value};")
    if msg.constants:
        e.line()
    for top in (msg.request, msg.response):
        e.open(f"struct {top.name}")
        for s in structs_in_order(top)[:-1]:
            emit_struct_decl(e, s, top)
        emit_struct_decl(e, top, top)
        e.close(";")
        e.line()
    e.line(f"// Decoders return NotSupported for a version outside {msg.versions[0]}.."
           f"{msg.versions[1]} and InvalidArgument")
    e.line("// for malformed or truncated input, and leave `reader` after the body. Fields a "
           "version")
    e.line("// lacks keep their defaults. Encoders REQUIRE a version in range and drop "
           "fields the")
    e.line("// version lacks.")
    for top in (msg.request, msg.response):
        e.line(f"Result<{top.name}> Decode{top.name}(WireReader& reader, int16_t version);")
        e.line(f"void Encode{top.name}(WireWriter& writer, const {top.name}& message, "
               "int16_t version);")
    e.line("// Calls `visit` with every non-zero error code `message` carries at `version`, once per")
    e.line("// entity (partition, topic, group, ...) that has it.")
    e.line(f"void ForEachErrorCode(const {msg.response.name}& message, int16_t version,")
    e.line("                      const std::function<void(int16_t)>& visit);")
    if has_response_records(msg):
        e.line("// Appends the body to `frame`; record file slices become parts of their own.")
        e.line(f"void Encode{msg.response.name}(OutboundFrame& frame, "
               f"const {msg.response.name}& message, int16_t version);")
    e.line()
    e.line("}  // namespace ringlog")
    return e.text()


def has_response_records(msg):
    return any(f.type == "records" for s in structs_in_order(msg.response) for f in s.fields)


def assign_ids(msg):
    for top in (msg.request, msg.response):
        for s in structs_in_order(top):
            if s is top:
                s.cpp_id = top.name
                s.cpp_name = top.name
            else:
                s.cpp_id = top.name + s.name
                s.cpp_name = f"{top.name}::{s.name}"


def structs_needing_min_bytes(top):
    """The structs whose minimum size an array bound needs: array elements and, within
    those, every struct nested in a non-tagged field."""
    need = set()

    def add(s):
        if s.name in need:
            return
        need.add(s.name)
        for f in s.fields:
            if f.struct is not None and f.tag is None and not f.is_array:
                add(f.struct)

    for s in structs_in_order(top):
        for f in s.fields:
            if f.struct is not None and f.is_array:
                add(f.struct)
    return need


def generate_source(msg):
    e = Emitter()
    e.line(f'#include "net/codec/{msg.stem}_codec.h"')
    e.line()
    e.line("#include <glog/logging.h>")
    e.line()
    e.line("#include <type_traits>")
    e.line()
    e.line('#include "net/codec/codec_version.h"')
    e.line('#include "net/codec/wire_array.h"')
    e.line()
    e.line("namespace ringlog {")
    e.line("namespace {")
    e.line()
    for top in (msg.request, msg.response):
        order = structs_in_order(top)
        need = structs_needing_min_bytes(top)
        for s in order:
            if s.name in need:
                emit_min_bytes(e, s, msg)
        for s in order:
            emit_reader(e, s, top, msg)
            emit_writer(e, s, top, msg)
    for s in structs_in_order(msg.response):
        if carries_errors(s):
            emit_error_visitor(e, s, msg)
    e.line("}  // namespace")
    e.line()
    flex = f"k{msg.name}FirstFlexibleVersion"
    for top in (msg.request, msg.response):
        e.open(f"Result<{top.name}> Decode{top.name}(WireReader& reader, int16_t version)")
        e.line(f'RETURN_IF_ERROR(CheckCodecVersion("{msg.name}", version, k{msg.name}MinVersion, '
               f"k{msg.name}MaxVersion));")
        e.line(f"return Read{top.cpp_id}(reader, version, version >= {flex});")
        e.close()
        e.line()
        e.open(f"void Encode{top.name}(WireWriter& writer, const {top.name}& message, "
               "int16_t version)")
        e.line(f'CHECK(CheckCodecVersion("{msg.name}", version, k{msg.name}MinVersion, '
               f"k{msg.name}MaxVersion).ok());")
        e.line(f"Write{top.cpp_id}(writer, message, version, version >= {flex});")
        e.close()
        e.line()
    name = msg.response.name
    e.open(f"void ForEachErrorCode(const {name}& message, int16_t version, "
           "const std::function<void(int16_t)>& visit)")
    if carries_errors(msg.response):
        e.line(f"VisitErrors{msg.response.cpp_id}(message, version, visit);")
    else:
        e.line("(void)message;")
        e.line("(void)version;")
        e.line("(void)visit;")
    e.close()
    e.line()
    if has_response_records(msg):
        e.open(f"void Encode{name}(OutboundFrame& frame, const {name}& message, int16_t version)")
        e.line("WireWriter writer(&frame);")
        e.line(f"Encode{name}(writer, message, version);")
        e.close()
        e.line()
    e.line("}  // namespace ringlog")
    return e.text()


# ---- Registry and samples -----------------------------------------------------------------

def generate_registry_header():
    return """// Generated by net/codec/gen_codec.py; do not edit.
//
// Every generated message, for tests that treat them alike (property and round-trip
// tests) and for ApiVersions' list of what the definitions cover.
#pragma once

#include <cstdint>
#include <span>

#include "engine/status.h"
#include "net/codec/wire_reader.h"

namespace ringlog {

struct MessageCodec {
  const char* name;  // "ProduceRequest"
  int16_t api_key;
  bool is_request;
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible_version;
  // Decodes one body and discards it: the status is what the real decoder returns.
  Status (*decode)(WireReader& reader, int16_t version);
};

std::span<const MessageCodec> AllMessageCodecs();

}  // namespace ringlog
"""


def generate_registry_source(msgs):
    e = Emitter()
    e.line('#include "net/codec/message_registry.h"')
    e.line()
    for m in msgs:
        e.line(f'#include "net/codec/{m.stem}_codec.h"')
    e.line()
    e.line("namespace ringlog {")
    e.line("namespace {")
    e.line()
    e.line("template <typename Message, Result<Message> (*Decode)(WireReader&, int16_t)>")
    e.open("Status DecodeAndDrop(WireReader& reader, int16_t version)")
    e.line("return Decode(reader, version).status();")
    e.close()
    e.line()
    e.open("constexpr MessageCodec kCodecs[] =")
    for m in msgs:
        for top, is_req in ((m.request, "true"), (m.response, "false")):
            e.line(f'{{"{top.name}", {m.key}, {is_req}, k{m.name}MinVersion, k{m.name}MaxVersion, '
                   f"k{m.name}FirstFlexibleVersion, "
                   f"DecodeAndDrop<{top.name}, Decode{top.name}>}},")
    e.close(";")
    e.line()
    e.line("}  // namespace")
    e.line()
    e.line("std::span<const MessageCodec> AllMessageCodecs() { return kCodecs; }")
    e.line()
    e.line("}  // namespace ringlog")
    return e.text()


def emit_fill_scalar(e, f, target, top):
    t = f.type
    if f.struct is not None:
        e.line(f"Fill{f.struct.cpp_id}({target}, version, counter);")
    elif t == "bool":
        e.line(f"{target} = (++counter % 2) == 1;")
    elif t == "uuid":
        e.line(f"{target}.bytes[0] = static_cast<uint8_t>(++counter);")
        e.line(f"{target}.bytes[15] = 0x5a;")
    elif t == "float64":
        e.line(f"{target} = 0.5 + static_cast<double>(++counter);")
    elif t in INT_TYPES:
        e.line(f"{target} = static_cast<{INT_TYPES[t][0]}>(++counter);")
    elif t == "records":
        if f.in_request:
            e.line(f"{target} = SampleRecordBytes();")
        else:
            e.line(f"{target}.data = std::string(\"records\") + std::to_string(++counter);")
    else:
        e.line(f"{target} = \"{f.name}-\" + std::to_string(++counter);")


def emit_filler(e, s, top, msg):
    e.open(f"void Fill{s.cpp_id}({s.cpp_name}& out, int16_t version, int& counter)")
    e.line("(void)version;")
    e.line("(void)counter;")

    def fill_field(f):
        if f.is_array:
            elem = scalar_cpp(f, top)
            e.line(f"std::vector<{elem}> {f.name}_items(2);")
            e.open(f"for ({elem}& item : {f.name}_items)")
            emit_fill_scalar(e, f, "item", top)
            e.close()
            e.line(f"out.{f.name} = std::move({f.name}_items);")
        elif is_nullable(f) and f.type != "records":
            e.line(f"out.{f.name}.emplace();")
            emit_fill_scalar(e, f, f"(*out.{f.name})", top)
        else:
            emit_fill_scalar(e, f, f"out.{f.name}", top)

    emit_in_versions(e, s.fields, msg, fill_field)
    e.close()
    e.line()


def generate_samples(msgs):
    e = Emitter()
    e.line("// Generated by net/codec/gen_codec.py; do not edit.")
    e.line("//")
    e.line("// For every message and every version: a message with every field of that version")
    e.line("// set away from its default, encoded, decoded and encoded again; every proper prefix")
    e.line("// of the encoding must be refused.")
    e.line('#include "tests/net/codec_samples.h"')
    e.line()
    e.line("#include <string>")
    e.line()
    for m in msgs:
        e.line(f'#include "net/codec/{m.stem}_codec.h"')
    e.line()
    e.line("namespace ringlog::testing {")
    e.line("namespace {")
    e.line()
    e.open("std::span<const uint8_t> SampleRecordBytes()")
    e.line('static const char kBytes[] = "not really a record batch";')
    e.line("return {reinterpret_cast<const uint8_t*>(kBytes), sizeof(kBytes) - 1};")
    e.close()
    e.line()
    for m in msgs:
        for top in (m.request, m.response):
            for s in structs_in_order(top):
                emit_filler(e, s, top, m)
    e.line("template <typename Message, void (*Fill)(Message&, int16_t, int&),")
    e.line("          void (*Encode)(WireWriter&, const Message&, int16_t),")
    e.line("          Result<Message> (*Decode)(WireReader&, int16_t)>")
    e.open("Status RoundTrip(int16_t version)")
    e.line("Message sample;")
    e.line("int counter = 0;")
    e.line("Fill(sample, version, counter);")
    e.line("std::string first;")
    e.line("WireWriter writer(&first);")
    e.line("Encode(writer, sample, version);")
    e.line("WireReader reader(std::span<const uint8_t>(")
    e.line("    reinterpret_cast<const uint8_t*>(first.data()), first.size()));")
    e.line("ASSIGN_OR_RETURN(Message decoded, Decode(reader, version));")
    e.line('if (!reader.at_end()) return Status::InvalidArgument("bytes left after the body");')
    e.open("for (size_t cut = 0; cut < first.size(); ++cut)")
    e.line("WireReader prefix(std::span<const uint8_t>(")
    e.line("    reinterpret_cast<const uint8_t*>(first.data()), cut));")
    e.open("if (Decode(prefix, version).ok())")
    e.line('return Status::InvalidArgument("a truncated body decoded: " + std::to_string(cut) +')
    e.line('                               " of " + std::to_string(first.size()) + " bytes");')
    e.close()
    e.close()
    e.open("if constexpr (std::equality_comparable<Message>)")
    e.line('if (!(decoded == sample)) return Status::InvalidArgument("decoded != encoded");')
    e.close()
    e.line("std::string second;")
    e.line("WireWriter again(&second);")
    e.line("Encode(again, decoded, version);")
    e.line('if (second != first) return Status::InvalidArgument("re-encoding differs");')
    e.line("return Status::OK();")
    e.close()
    e.line()
    e.open("constexpr SampleRoundTrip kSamples[] =")
    for m in msgs:
        for top in (m.request, m.response):
            e.line(f'{{"{top.name}", k{m.name}MinVersion, k{m.name}MaxVersion,')
            e.line(f" RoundTrip<{top.name}, Fill{top.cpp_id}, Encode{top.name}, "
                   f"Decode{top.name}>}},")
    e.close(";")
    e.line()
    e.line("}  // namespace")
    e.line()
    e.line("std::span<const SampleRoundTrip> AllSampleRoundTrips() { return kSamples; }")
    e.line()
    e.line("}  // namespace ringlog::testing")
    return e.text()


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="directory for net/codec/*_codec.{h,cc}")
    ap.add_argument("--samples", help="path of the test-only codec_samples.cc")
    ap.add_argument("--source-root", required=True)
    ap.add_argument("definitions", nargs="+")
    args = ap.parse_args()
    msgs = []
    try:
        for path in sorted(args.definitions):
            msg = parse(path)
            assign_ids(msg)
            msgs.append(msg)
    except DefinitionError as err:
        print(f"gen_codec.py: {err}", file=sys.stderr)
        return 1
    keys = {}
    for m in msgs:
        if m.key in keys:
            print(f"gen_codec.py: api key {m.key} in {keys[m.key]} and {m.stem}", file=sys.stderr)
            return 1
        keys[m.key] = m.stem
    for m in msgs:
        rel = os.path.relpath(os.path.join(os.path.dirname(args.definitions[0]), m.stem + ".msg"),
                              args.source_root)
        write_if_changed(os.path.join(args.out, f"{m.stem}_codec.h"), generate_header(m, rel))
        write_if_changed(os.path.join(args.out, f"{m.stem}_codec.cc"), generate_source(m))
    write_if_changed(os.path.join(args.out, "message_registry.h"), generate_registry_header())
    write_if_changed(os.path.join(args.out, "message_registry.cc"), generate_registry_source(msgs))
    if args.samples:
        write_if_changed(args.samples, generate_samples(msgs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
