"""Real threads against PostgreSQL: run actions at the same moment (ARCHITECTURE.md
"Concurrency"); each thread has its own connection, closed at the end."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

from accounts.services import AccountsError
from billing.services import BillingError
from lots.errors import LotError
from organizations.services import RegisterError

REFUSALS: tuple[type[Exception], ...] = (LotError, RegisterError, AccountsError, BillingError)


def race(*actions: Callable[[], object]) -> list[str]:
    """Run the actions at the same moment; return "ok", "refused: <message>" for a domain
    error, or "error: <type>: <text>" for anything else (a deadlock, an integrity error)."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            action()
            outcomes[i] = "ok"
        except REFUSALS as exc:
            outcomes[i] = "refused: " + str(getattr(exc, "message", exc))
        except Exception as exc:
            outcomes[i] = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
