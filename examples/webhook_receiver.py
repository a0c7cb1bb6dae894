#!/usr/bin/env python3
"""A webhook receiver for the Quanta bot platform, Python standard library only.

Run it as it is:

    WEBHOOK_SECRET=whsec_... python3 examples/webhook_receiver.py
    WEBHOOK_PUBLIC_KEYS=whpk_...[,whpk_...] python3 examples/webhook_receiver.py
    QUANTA_URL=http://127.0.0.1:8080 python3 examples/webhook_receiver.py  (fetches the keys)

then point the bot at it: PUT /api/v1/bot/webhook {"url": "http://127.0.0.1:3000/hook"}
(a local http URL needs WEBHOOK_ALLOW_HTTP=true and WEBHOOK_ALLOW_PRIVATE=true on the
platform). Each delivery carries two signatures over "{webhook-id}.{webhook-timestamp}.{body}"
in `webhook-signature`: `v1,<base64 HMAC-SHA256>` under your whsec_ secret and
`v1a,<base64 Ed25519>` under the platform's key. Either one, checked, is enough.

The standard library has HMAC but no Ed25519, so the verification half of RFC 8032's
reference implementation (section 6) is below: slow (a few milliseconds), but dependency-free.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60

# --- Ed25519 verification (RFC 8032, section 6) -------------------------------------------
P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    A = (a[1] - a[0]) * (b[1] - b[0]) % P
    B = (a[1] + a[0]) * (b[1] + b[0]) % P
    C = 2 * a[3] * b[3] * D % P
    Dd = 2 * a[2] * b[2] % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)


def _mul(s, pt):
    out = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            out = _add(out, pt)
        pt = _add(pt, pt)
        s >>= 1
    return out


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _decompress(s):
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
BASE = (_GX, _GY, 1, _GX * _GY % P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decompress(public_key)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % Q
    return _equal(_mul(s, BASE), _add(r, _mul(h, a)))


# --- the receiver -------------------------------------------------------------------------
def decode_key(value: str, prefix: str) -> bytes:
    if not value.startswith(prefix):
        raise SystemExit(f"expected {prefix}..., got {value[:8]}...")
    return base64.b64decode(value[len(prefix):], validate=True)


def load_keys():
    secret = os.environ.get("WEBHOOK_SECRET")
    hmac_key = decode_key(secret, "whsec_") if secret else None
    whpks = [k for k in os.environ.get("WEBHOOK_PUBLIC_KEYS", "").split(",") if k]
    if not whpks and os.environ.get("QUANTA_URL"):
        # Public: every key that currently verifies (the active one and any in its grace period).
        url = os.environ["QUANTA_URL"].rstrip("/") + "/api/v1/bot/webhook/public-key"
        with urllib.request.urlopen(url) as res:
            whpks = [k["whpk"] for k in json.load(res)["keys"]]
    if hmac_key is None and not whpks:
        raise SystemExit("set WEBHOOK_SECRET, WEBHOOK_PUBLIC_KEYS or QUANTA_URL")
    return hmac_key, [decode_key(k, "whpk_") for k in whpks]


def check(headers, body: bytes, hmac_key, public_keys):
    """Why the delivery is refused, or None when it is genuine and fresh."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return "missing webhook-* headers"
    if not re.fullmatch(r"\d{1,15}", timestamp):
        return "webhook-timestamp is not a number"
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "webhook-timestamp is more than 5 minutes away"
    # Sign the raw bytes as received: re-serialised JSON would not match.
    content = f"{msg_id}.{timestamp}.".encode() + body
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        try:
            given = base64.b64decode(signature, validate=True)
        except ValueError:
            continue
        if version == "v1" and hmac_key is not None:
            expected = hmac.new(hmac_key, content, hashlib.sha256).digest()
            if hmac.compare_digest(given, expected):
                return None
        if version == "v1a" and any(ed25519_verify(k, content, given) for k in public_keys):
            return None
    return "no valid signature"


HMAC_KEY, PUBLIC_KEYS = load_keys()
SEEN = set()  # webhook-id is the same on every retry: drop what was handled


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/hook":
            self.send_response(404)
            self.end_headers()
            return
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        refused = check(self.headers, body, HMAC_KEY, PUBLIC_KEYS)
        if refused:
            print(json.dumps({"refused": refused}), flush=True)
            self.send_response(401)
            self.end_headers()
            return
        msg_id = self.headers["webhook-id"]
        if msg_id not in SEEN:
            SEEN.add(msg_id)
            print(json.dumps({"accepted": msg_id, "update": json.loads(body)}), flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):  # one JSON line per delivery above is enough
        pass


if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "3000"))
    server = ThreadingHTTPServer((host, port), Hook)
    print(f"listening on http://{host}:{port}/hook", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
