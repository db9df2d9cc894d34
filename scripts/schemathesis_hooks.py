"""Schemathesis hooks of the contract-fuzz suite (SCHEMATHESIS_HOOKS, set by tests/contract-fuzz).

A generated order names a random user and random products, so it is always 422 or 409 and the stateful phase never
gets past "create". This points the UUIDs of POST /api/orders bodies at a user and stocked products the suite seeded
(FUZZ_USER_IDS, FUZZ_PRODUCT_IDS: comma-separated), so orders get created and the links create -> get -> update are
followed. Only values that already are UUIDs are replaced, by other UUIDs: a valid body stays valid, an invalid one
stays invalid.
"""
import os
import re

import schemathesis

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
USERS = [u for u in os.environ.get("FUZZ_USER_IDS", "").split(",") if u]
PRODUCTS = [p for p in os.environ.get("FUZZ_PRODUCT_IDS", "").split(",") if p]


def _seeded(value, pool, index):
    return pool[index % len(pool)] if pool and isinstance(value, str) and UUID.match(value) else value


@schemathesis.hook
def map_body(context, body):
    if context.operation is None or context.operation.label != "POST /api/orders" or not isinstance(body, dict):
        return body
    body = dict(body)
    if "userId" in body:
        body["userId"] = _seeded(body["userId"], USERS, 0)
    items = body.get("items")
    if isinstance(items, list):
        body["items"] = [
            {**item, "productId": _seeded(item.get("productId"), PRODUCTS, i)} if isinstance(item, dict) else item
            for i, item in enumerate(items)
        ]
    return body
