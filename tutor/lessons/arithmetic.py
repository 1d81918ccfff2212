"""A tiny, safe arithmetic evaluator for the numeric steps of worked examples.

Only numbers, ``+ - * / **``, parentheses and a few math functions: a lesson
file is data, so nothing in it is ever handed to ``eval``.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: math.pow,  # a negative base to a fractional power: ValueError, not complex
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "abs": abs,
}
_MAX_EXPONENT = 1000


class BadArithmetic(ValueError):
    """An expression that is not plain arithmetic, or cannot be evaluated."""


#: Longer than this, a worked example's step is not arithmetic a reader can follow.
MAX_LENGTH = 500
#: Deeper than this, an expression is built to exhaust the evaluator, not to explain.
MAX_NESTING = 40


def evaluate(expression: str) -> float:
    """The value of ``expression``; raises ``BadArithmetic`` naming what is wrong.

    Every number is a float from the start and every intermediate result must be a
    finite real: the work is bounded by the expression's length (no integer grows to a
    million digits), a complex or non-finite value is refused where it appears, and the
    nesting is checked before anything recurses.
    """
    if len(expression) > MAX_LENGTH:
        raise BadArithmetic(f"an expression of {len(expression):,} characters is too long")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise BadArithmetic(f"not an arithmetic expression: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise BadArithmetic("the expression is nested too deeply") from None
    if _nesting(tree.body) > MAX_NESTING:
        raise BadArithmetic(f"the expression is nested deeper than {MAX_NESTING} levels")
    return _eval(tree.body)


def _nesting(root: ast.AST) -> int:
    """How deep the tree goes, found without recursion."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _eval(node: ast.AST) -> float:
    value = _eval_unchecked(node)
    if isinstance(value, complex) or not math.isfinite(value):
        raise BadArithmetic(f"{ast.unparse(node)!r} is {value}, not a finite real number")
    return value


def _eval_unchecked(node: ast.AST) -> float:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        try:
            return float(node.value)
        except OverflowError:
            raise BadArithmetic(f"the number {ast.unparse(node)[:20]}… is too large") from None
    try:
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = _eval(node.left), _eval(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT:
                raise BadArithmetic(f"exponent {right:g} is too large")
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](_eval(node.operand))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCTIONS
            and len(node.args) == 1
            and not node.keywords
        ):
            return _FUNCTIONS[node.func.id](_eval(node.args[0]))
    except BadArithmetic:
        raise  # already names the part that failed
    except (ZeroDivisionError, OverflowError, ValueError) as error:
        raise BadArithmetic(f"cannot evaluate {ast.unparse(node)!r}: {error}") from None
    raise BadArithmetic(
        f"only numbers, + - * / **, parentheses and "
        f"{', '.join(_FUNCTIONS)} are allowed (found {ast.unparse(node)!r})"
    )
