"""C text -> syntax.py trees (lark, LALR, positions kept)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import lark
from lark import Token, Transformer, v_args

from ..locations import cache_dir
from . import syntax as S
from .errors import CError, Pos
from .preprocess import preprocess

GRAMMAR = Path(__file__).with_name("grammar.lark")
SOURCE_LINES: dict[str, list[str]] = {}  # file -> its lines, so each step can quote its C


def _cache_file() -> str | bool:
    """Lark's built LALR tables under $XDG_CACHE_HOME/dsqspec: building them costs more than
    a render.  The file is named after the grammar's hash, so an edited grammar is rebuilt."""
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    digest = hashlib.sha256(GRAMMAR.read_bytes()).hexdigest()[:16]
    return str(root / f"kernel-c-grammar-{digest}-lark{lark.__version__}.cache")


@lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    return lark.Lark(GRAMMAR.read_text(), parser="lalr", propagate_positions=True, maybe_placeholders=True,
                     cache=_cache_file())


def _pos(file: str, item) -> Pos:
    meta = getattr(item, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return Pos(file, meta.line, meta.column)
    if isinstance(item, Token):
        return Pos(file, item.line, item.column)
    return Pos(file, 0, 0)


class _ToSyntax(Transformer):
    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def _p(self, meta) -> Pos:
        return Pos(self.file, meta.line, meta.column) if not meta.empty else Pos(self.file, 0, 0)

    # -- declarations
    def decl_spec(self, items):
        return " ".join(str(t) for t in items)

    def pointer(self, _):
        return "*"

    @v_args(meta=True)
    def init_declarator(self, meta, items):
        pointer = any(i == "*" for i in items)
        rest = [i for i in items if i != "*" or isinstance(i, Token) and i.type == "NAME"]
        name = next(i for i in rest if isinstance(i, Token) and i.type == "NAME")
        init = rest[-1] if rest[-1] is not name else None
        return (str(name), pointer, init, Pos(self.file, name.line, name.column))

    @v_args(meta=True)
    def declaration(self, meta, items):
        specs = [i for i in items if isinstance(i, str) and not isinstance(i, tuple)]
        type_name = " ".join(s for s in specs if isinstance(s, str))
        decls = [i for i in items if isinstance(i, tuple)]
        return [S.Decl(pos, type_name, name, pointer, init) for name, pointer, init, pos in decls]

    def param(self, items):
        names = [i for i in items if isinstance(i, Token) and i.type == "NAME"]
        return str(names[-1]) if names else ""

    def params(self, items):
        return [i for i in items if isinstance(i, str)]

    @v_args(meta=True)
    def function(self, meta, items):
        name = next(i for i in items if isinstance(i, Token) and i.type == "NAME")
        params = next((i for i in items if isinstance(i, list)), [])
        body = items[-1]
        fn = S.Function(Pos(self.file, name.line, name.column), str(name), params, body)
        fn.lines = (meta.line, meta.end_line) if not meta.empty else (name.line, name.line)
        return fn

    def start(self, items):
        return items

    # -- statements
    @v_args(meta=True)
    def compound(self, meta, items):
        flat = []
        for i in items:
            flat.extend(i if isinstance(i, list) else [i])
        return S.Block(self._p(meta), flat)

    @v_args(meta=True)
    def expr_stmt(self, meta, items):
        return S.ExprStmt(self._p(meta), items[0])

    @v_args(meta=True)
    def empty_stmt(self, meta, items):
        return S.Empty(self._p(meta))

    @v_args(meta=True)
    def if_stmt(self, meta, items):
        parts = [i for i in items if not (isinstance(i, Token) and i.type in ("IF", "ELSE"))]
        return S.If(self._p(meta), parts[0], parts[1], parts[2] if len(parts) > 2 else None)

    @v_args(meta=True)
    def while_stmt(self, meta, items):
        return S.While(self._p(meta), items[1], items[2])

    @v_args(meta=True)
    def do_stmt(self, meta, items):
        return S.While(self._p(meta), items[3], items[1], do=True)

    def for_init(self, items):
        return items[0] if items else None

    @v_args(meta=True)
    def for_stmt(self, meta, items):
        _, init, cond, step, body = items
        return S.For(self._p(meta), init, cond, step, body)

    @v_args(meta=True)
    def iter_stmt(self, meta, items):
        macro = str(items[0])
        args = items[1] if len(items) == 3 else []
        return S.Iter(self._p(meta), macro, args, items[-1])

    @v_args(meta=True)
    def goto_stmt(self, meta, items):
        return S.Goto(Pos(self.file, items[1].line, items[1].column), str(items[1]))

    @v_args(meta=True)
    def label_stmt(self, meta, items):
        name = str(items[0]).rstrip(": \t")
        return S.Label(Pos(self.file, items[0].line, items[0].column), name, items[1])

    @v_args(meta=True)
    def break_stmt(self, meta, items):
        return S.Break(self._p(meta))

    @v_args(meta=True)
    def continue_stmt(self, meta, items):
        return S.Continue(self._p(meta))

    @v_args(meta=True)
    def return_stmt(self, meta, items):
        return S.Return(self._p(meta), items[1] if len(items) > 1 else None)

    @v_args(meta=True)
    def switch_stmt(self, meta, items):
        raise CError(self.file, meta.line, meta.column, "unsupported construct: switch")

    # -- expressions
    def args(self, items):
        return list(items)

    @v_args(meta=True)
    def name(self, meta, items):
        return S.Name(self._p(meta), str(items[0]))

    @v_args(meta=True)
    def number(self, meta, items):
        return S.Num(self._p(meta), int(str(items[0]).rstrip("uUlL"), 0))

    @v_args(meta=True)
    def string(self, meta, items):
        return S.Str(self._p(meta), str(items[0])[1:-1])

    @v_args(meta=True)
    def call(self, meta, items):
        fn = items[0]
        if not isinstance(fn, S.Name):
            raise CError(self.file, meta.line, meta.column, "unsupported construct: call through a pointer")
        return S.Call(fn.pos, fn.id, items[1] if len(items) > 1 else [])

    @v_args(meta=True)
    def index(self, meta, items):
        return S.Index(self._p(meta), items[0], items[1])

    @v_args(meta=True)
    def dot(self, meta, items):
        return S.Member(self._p(meta), items[0], str(items[1]), False)

    @v_args(meta=True)
    def arrow(self, meta, items):
        return S.Member(self._p(meta), items[0], str(items[1]), True)

    @v_args(meta=True)
    def post_incdec(self, meta, items):
        return S.IncDec(self._p(meta), str(items[1]), items[0], False)

    @v_args(meta=True)
    def pre_incdec(self, meta, items):
        return S.IncDec(self._p(meta), str(items[0]), items[1], True)

    @v_args(meta=True)
    def unary_op(self, meta, items):
        return S.Unary(self._p(meta), str(items[0]), items[1])

    @v_args(meta=True)
    def address_of(self, meta, items):
        return S.Unary(self._p(meta), "&", items[0])

    @v_args(meta=True)
    def deref(self, meta, items):
        return S.Unary(self._p(meta), "*", items[0])

    def _bin(self, meta, op, items):
        return S.Binary(self._p(meta), op, items[0], items[-1])

    @v_args(meta=True)
    def binary(self, meta, items):
        return S.Binary(self._p(meta), str(items[1]), items[0], items[2])

    @v_args(meta=True)
    def lor(self, meta, items):
        return self._bin(meta, "||", items)

    @v_args(meta=True)
    def land(self, meta, items):
        return self._bin(meta, "&&", items)

    @v_args(meta=True)
    def bor(self, meta, items):
        return self._bin(meta, "|", items)

    @v_args(meta=True)
    def bxor(self, meta, items):
        return self._bin(meta, "^", items)

    @v_args(meta=True)
    def band(self, meta, items):
        return self._bin(meta, "&", items)

    @v_args(meta=True)
    def assign(self, meta, items):
        return S.Assign(self._p(meta), str(items[1]), items[0], items[2])

    @v_args(meta=True)
    def ternary(self, meta, items):
        return S.Ternary(self._p(meta), items[0], items[1], items[2])


def parse_c(text: str, file: str, options: set[str] | None = None) -> list[S.Function]:
    """Every function definition in `text`; any syntax error is one CError."""
    SOURCE_LINES[file] = text.split("\n")
    clean = preprocess(text, file, options)
    try:
        tree = _parser().parse(clean)
    except lark.exceptions.UnexpectedCharacters as err:
        raise CError(file, err.line, err.column, f"syntax error: unexpected character {clean[err.pos_in_stream]!r}") from None
    except lark.exceptions.UnexpectedToken as err:
        tok = err.token
        what = "end of file" if tok.type == "$END" else repr(str(tok))
        line = tok.line if tok.type != "$END" else clean.count("\n") + 1
        col = tok.column if tok.type != "$END" else 1
        raise CError(file, line or 1, col or 1, f"syntax error: unexpected {what}") from None
    except lark.exceptions.UnexpectedEOF:
        raise CError(file, clean.count("\n") + 1, 1, "syntax error: unexpected end of file") from None
    try:
        functions = _ToSyntax(file).transform(tree)
    except lark.exceptions.VisitError as err:
        if isinstance(err.orig_exc, CError):
            raise err.orig_exc from None
        raise
    lines = text.split("\n")
    for fn in functions:
        fn.text = "\n".join(lines[fn.pos.line - 1:])  # refined by sources.py when needed
    return functions
