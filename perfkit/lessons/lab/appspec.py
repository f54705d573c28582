"""Which app the service process serves: an import string, checked to be ASGI where it can be.

The service runs in a process of its own (see service.py), which gets the app by importing it.
`import_string(app)` finds where: the string itself, or the module and attribute that hold an app
object. An object defined in `__main__` (a notebook cell) has no such place, and the error says
what to do. runner.py, in the service process, loads the app with `load_app` and checks it with
`asgi_problem`, the same check this process makes on an app object before starting anything.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from typing import Any

_IMPORT_STRING = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def describe(obj: Any) -> str:
    """How an error message names `obj`: `function handler`, `FastAPI object`, `42 (int)`."""
    if inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isclass(obj):
        kind = "class" if inspect.isclass(obj) else "function"
        return f"{kind} {obj.__qualname__}"
    if callable(obj):
        return f"{type(obj).__name__} object"
    text = repr(obj)
    return f"{text if len(text) <= 40 else text[:37] + '...'} ({type(obj).__name__})"


def asgi_problem(app: Any) -> str | None:
    """Why `app` is not an ASGI 3 application (`async def app(scope, receive, send)`), or None."""
    rule = ("an ASGI app is a FastAPI() or Starlette() instance, or `async def app(scope, receive, send)`")
    if inspect.isclass(app):
        return f"{describe(app)} is a class, not an app: pass an instance ({app.__name__}()); {rule}"
    if not callable(app):
        return f"{describe(app)} is not an ASGI app: it cannot be called; {rule}"
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(app, "__call__", None)
    if not (inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(call)):
        return f"{describe(app)} is not an ASGI app: it is not a coroutine function (async def); {rule}"
    try:
        inspect.signature(app).bind(None, None, None)
    except TypeError:
        return f"{describe(app)} is not an ASGI app: it takes {inspect.signature(app)}; {rule}"
    except ValueError:
        pass  # no signature to read (a builtin): let uvicorn try it
    return None


def load_app(spec: str, factory: bool) -> Any:
    """The object `module:attr` names (`attr` may be dotted), called first when `factory`."""
    module_name, _, attrs = spec.partition(":")
    obj: Any = importlib.import_module(module_name)
    for attr in attrs.split("."):
        obj = getattr(obj, attr)
    return obj() if factory else obj


def import_string(app: Any, factory: bool = False) -> str:
    """Where the service process imports `app` from: "module:attr".

    Raises:
        TypeError: `app` is not an ASGI app (or, with factory, not a callable without arguments).
        ValueError: `app` is defined in `__main__` (a notebook cell), or cannot be found in any module.
    """
    if isinstance(app, str):
        if not _IMPORT_STRING.match(app):
            raise ValueError(f"an app given as a string must be an import string 'package.module:attr', got {app!r}")
        return app
    if factory:
        try:
            inspect.signature(app).bind()
        except TypeError:
            raise TypeError(f"with factory=True, app must be a callable taking no arguments that builds the "
                            f"app; {describe(app)} is not") from None
        except ValueError:
            pass
    else:
        problem = asgi_problem(app)
        if problem:
            hint = ""
            if inspect.isfunction(app) and _takes_no_arguments(app):
                hint = f" (if {app.__qualname__}() builds the app, pass factory=True)"
            raise TypeError(problem + hint)
    module, qualname = getattr(app, "__module__", None), getattr(app, "__qualname__", "")
    if (inspect.isfunction(app) and module not in (None, "__main__", "__mp_main__")
            and "<" not in qualname):
        return f"{module}:{qualname}"
    for name, mod in list(sys.modules.items()):
        if name in ("__main__", "__mp_main__") or mod is None:
            continue
        for attr, value in list(getattr(mod, "__dict__", {}).items()):
            if value is app and not attr.startswith("__"):
                return f"{name}:{attr}"
    names = [a for a, v in getattr(sys.modules.get("__main__"), "__dict__", {}).items() if v is app]
    name = names[0] if names else describe(app)
    raise ValueError(
        f"the app {name!r} is defined in __main__ (a notebook cell or the script being run), or in no "
        f"module at all: the service runs in a process of its own, which imports the app and cannot "
        f"import __main__. Put the app in a module file (in a notebook: %%writefile myapp.py) and pass "
        f"pk.serve('myapp:{names[0] if names else 'app'}'), or pass an app object imported from a module.")


def _takes_no_arguments(fn: Any) -> bool:
    try:
        inspect.signature(fn).bind()
        return True
    except (TypeError, ValueError):
        return False
