"""Loaded by schemathesis (``SCHEMATHESIS_HOOKS`` in bin/fuzz) before it generates anything.

Hypothesis reads the source of lambdas and predicates with ``ast.parse`` (to name a filtered strategy, to
find the bounds a filter implies). On CPython 3.11 the AST converter keeps its recursion counter per
interpreter, not per thread, so two of schemathesis's worker threads parsing at once can fail with
"SystemError: AST constructor recursion depth mismatch" (and race on hypothesis's cache of parsed
sources, a KeyError): a crash of the tool, reported as a runtime error, not a finding about the API.
One lock around ``ast.parse`` keeps the two workers and loses nothing but a little parallel parsing.
"""

from __future__ import annotations

import ast
import functools
import threading
from typing import Any

_lock = threading.RLock()  # re-entrant: a parse never calls back into a parse, but be safe
_parse = ast.parse


@functools.wraps(_parse)
def _one_at_a_time(*args: Any, **kwargs: Any) -> Any:
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _one_at_a_time
