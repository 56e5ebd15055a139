"""The one password of every demo account, hashed once per run.

Hashing is deliberately slow (PBKDF2, about half a second each time); the
demo creates a dozen accounts with the same password, so it hashes it once
and gives every account that hash. They share a salt, which is harmless for
accounts whose password is printed by `make run` anyway.
"""

from functools import cache

from django.contrib.auth.hashers import make_password

DEMO_PASSWORD = "demo-continuum"  # noqa: S105 - demo accounts on a local SQLite file


@cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)
