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
    ast.Pow: operator.pow,
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


def evaluate(expression: str) -> float:
    """The value of ``expression``; raises ``BadArithmetic`` naming what is wrong."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise BadArithmetic(f"not an arithmetic expression: {error.msg}") from None
    try:
        return float(_eval(tree.body))
    except BadArithmetic:
        raise
    except (ZeroDivisionError, OverflowError, ValueError) as error:
        raise BadArithmetic(f"cannot evaluate {expression!r}: {error}") from None


def _eval(node: ast.AST) -> float:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return node.value
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
    raise BadArithmetic(
        f"only numbers, + - * / **, parentheses and "
        f"{', '.join(_FUNCTIONS)} are allowed (found {ast.unparse(node)!r})"
    )
