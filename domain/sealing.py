"""Sealing small secrets at rest (webhook signing secrets) with the payload key, AES-256-GCM."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class Sealer:
    def __init__(self, key_base64: str) -> None:
        self._aes = AESGCM(base64.b64decode(key_base64))

    def seal(self, secret: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        return base64.b64encode(nonce + self._aes.encrypt(nonce, secret.encode(), b"webhook-secret")).decode()

    def unseal(self, sealed: str) -> str:
        raw = base64.b64decode(sealed)
        return self._aes.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], b"webhook-secret").decode()
