"""An owner's pages, kept whole in the shared cache (issue 16: two million owners open the
same few pages in the same evenings).

``owner_page`` caches the response of a page for one owner: the whole HTML, per login,
host, path, query string and language. It serves only a login that is an owner and nothing else
(no management company, council, inspection or superuser role: their pages read a whole
district or region), only ``GET`` with no query parameter but those the page names (its
page number), only a ``200`` HTML answer, and never while the session holds a message to
show. The entry is valid under these stamps (core.stamps):

- the login's roles (accounts.permissions: its ownerships, its person, its login);
- the public registry (``REGISTRY_STAMP``: the buildings, districts, regions, companies);
- one stamp per building the owner owns in (``building_stamps``). Whoever changes what an
  owner's page shows of a building renews it: its apartments and assessments, its lot, the
  lot's tariff and suspensions, the ledger of its apartments, its meetings with their
  ballots and comments, the lot's elections, its tickets with their steps, comments and
  photos. Rows saved one by one renew it through receivers (``follow``, in each app's
  ``receivers``); the bulk writers (the ledger's postings, the accrual) renew it
  themselves.

What the clock alone changes (a vote that opens or closes, a deadline that passes) is not a
row's change: the entry is therefore also bounded by ``OWNER_PAGE_SECONDS`` (60 by
default), part of its key, so a page is never more than that behind the clock. Every action
(casting a ballot, paying, filing) checks the time again on the server, whatever the page
showed. 0 turns the cache off.

The CSRF token is not part of the entry: the page is rendered with a mark in its place, and
each request's own token is put in when it is served.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from accounts.permissions import UserRoles, roles_of, roles_stamps
from buildings.models import REGISTRY_STAMP
from core.stamps import cached_under, page_key, stamps_renew

BUILDING_STAMP = "building:{}"
CSRF_MARK = "owner-page-csrf-7c1e9a"  # in place of the token while a page is cached
_CACHING = "_owner_page_caching"


def building_stamps(ids: Iterable[int | None]) -> list[str]:
    return [BUILDING_STAMP.format(pk) for pk in sorted({pk for pk in ids if pk is not None})]


def buildings_changed(ids: Iterable[int | None]) -> None:
    """What the owners' pages show of these buildings changed: now, and again on commit."""
    stamps = building_stamps(ids)
    if stamps:
        stamps_renew(stamps)


def follow(model: Any, buildings_of: Callable[[Any], Iterable[int | None]], uid: str) -> None:
    """Renew the stamps of ``buildings_of(row)`` whenever a row of ``model`` is saved or
    deleted one by one."""

    def changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        buildings_changed(buildings_of(instance))

    for signal in (post_save, post_delete):
        signal.connect(changed, sender=model, weak=False, dispatch_uid=f"owner-{uid}-{signal}")


def only_owner(roles: UserRoles) -> bool:
    return (
        roles.is_owner
        and not roles.superuser
        and not roles.is_mc_staff
        and not roles.is_council_member
        and not roles.inspector
    )


def _cacheable(request: HttpRequest, params: frozenset[str]) -> bool:
    if settings.OWNER_PAGE_SECONDS <= 0 or settings.ROLES_CACHE_SECONDS <= 0:
        return False  # the roles' stamps are renewed only while the roles are cached
    if request.method != "GET" or request.headers.get("HX-Request"):
        return False
    if not params.issuperset(request.GET):  # an entered amount, a made-up parameter
        return False
    if not only_owner(roles_of(request.user)):
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or not len(storage)  # a message is shown once, never cached


def csrf_context(request: HttpRequest) -> dict[str, str]:
    """A context processor: the mark in place of the CSRF token while a page is cached."""
    return {"csrf_token": CSRF_MARK} if getattr(request, _CACHING, False) else {}


def owner_page(
    name: str, *, params: Iterable[str] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Cache the view's page for an owner (module docstring); ``name`` keeps the pages apart.
    A request with a query parameter other than ``params`` (a page number, say) is answered
    by the view alone: what an owner types, or any made-up parameter, fills no entry."""
    allowed = frozenset(params)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request, allowed):
                return view(request, *args, **kwargs)
            made: list[HttpResponse] = []

            def build() -> tuple[bytes, list[tuple[str, str]]] | None:
                setattr(request, _CACHING, True)
                try:
                    response = view(request, *args, **kwargs)
                    render = getattr(response, "render", None)
                    if render is not None and not getattr(response, "is_rendered", True):
                        render()  # a TemplateResponse
                finally:
                    setattr(request, _CACHING, False)
                made.append(response)
                if (
                    response.status_code != 200
                    or not response.get("Content-Type", "").startswith("text/html")
                    or response.cookies
                    or getattr(response, "streaming", False)
                ):
                    return None
                headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
                return response.content, headers

            user = request.user
            roles = roles_of(user)
            seconds = settings.OWNER_PAGE_SECONDS
            bucket = int(timezone.now().timestamp()) // seconds
            stamps = [
                *roles_stamps(user.pk or 0),  # signed in: a pk
                REGISTRY_STAMP,
                *building_stamps(roles.building_ids),
            ]
            key = (  # the host too: a page may link to itself in full (a payment's return)
                f"owner-page:{name}:{user.pk}:{request.get_host()}{request.path}:"
                f"{page_key(request)}:{bucket}"
            )
            found = cached_under(stamps, key, build, seconds)
            mark = CSRF_MARK.encode()
            if found is None:  # not a page to keep: the answer as the view gave it
                response = made[0] if made else view(request, *args, **kwargs)
                content = getattr(response, "content", b"")
                if mark in content:
                    response.content = content.replace(mark, get_token(request).encode())
                return response
            content, headers = found
            # this request's own token (get_token also has its cookie sent)
            response = HttpResponse(content.replace(mark, get_token(request).encode()))
            for header, value in headers:
                response.headers[header] = value
            return response

        return wrapped

    return decorate
