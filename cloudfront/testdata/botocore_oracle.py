"""Checks CloudFront signed URLs and cookies made by cloudfront.Signer
against botocore's CloudFrontSigner (policy JSON, URL layout) and
cryptography (signatures), both independent of the Go code.

Reads one JSON request on stdin (see TestBotocoreOracle) and writes a JSON
list of {"name", "error"}; an empty error means the case checks out.
botocore builds the canned policy CloudFront rebuilds and the signed URL
(it signs with whatever callable it is given; here RSA PKCS #1 v1.5 over
SHA-256 or SHA-1, which is deterministic, so an RSA URL must equal ours to
the byte); Hash-Algorithm=SHA256 goes last, as in the CloudFront developer
guide's example. ECDSA signatures differ each time, so ours are verified
with cryptography (ASN.1 DER, P-256) over the exact policy bytes.
"""
import base64
import datetime
import json
import re
import sys

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

HASHES = {"SHA256": hashes.SHA256, "SHA1": hashes.SHA1}


def b64d(s):
    if re.search(r"[+/=]", s):
        raise ValueError("standard base64 in a CloudFront value: %r" % s)
    return base64.b64decode(s.replace("-", "+").replace("_", "=").replace("~", "/"))


def when(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc) if epoch else None


def verify(key, hash_name, sig, msg):
    pub = key.public_key()
    if isinstance(pub, rsa.RSAPublicKey):
        pub.verify(sig, msg, padding.PKCS1v15(), HASHES[hash_name]())
    else:
        if pub.curve.name != "secp256r1":
            raise ValueError("curve " + pub.curve.name)
        pub.verify(sig, msg, ec.ECDSA(HASHES[hash_name]()))


def mask(u):
    return re.sub(r"Signature=[^&]*", "Signature=X", u)


def check(kid, key, c):
    is_rsa = isinstance(key, rsa.RSAPrivateKey)
    h = c["hash"]

    def rsa_signer(msg):
        return key.sign(msg, padding.PKCS1v15(), HASHES[h]())

    signer = CloudFrontSigner(kid, rsa_signer if is_rsa else (lambda msg: b"X"))
    suffix = "&Hash-Algorithm=SHA256" if h == "SHA256" else ""
    if c["kind"] == "cookies":
        got = c["cookies"]
        want_names = ["CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id"]
        if h == "SHA256":
            want_names.append("CloudFront-Hash-Algorithm")
        if list(got) != want_names:
            raise ValueError("cookies %s, want %s" % (list(got), want_names))
        if got["CloudFront-Key-Pair-Id"] != kid:
            raise ValueError("key pair id " + got["CloudFront-Key-Pair-Id"])
        if h == "SHA256" and got["CloudFront-Hash-Algorithm"] != "SHA256":
            raise ValueError("hash cookie " + got["CloudFront-Hash-Algorithm"])
        policy = b64d(got["CloudFront-Policy"])
        sig = got["CloudFront-Signature"]
    else:
        ours = c["signed"]
        m = re.search(r"[?&]Signature=([^&]*)", ours)
        if not m:
            raise ValueError("no Signature in " + ours)
        sig = m.group(1)
        if c["kind"] == "canned":
            policy = signer.build_policy(c["url"], when(c["expires"])).encode()
            ref = signer.generate_presigned_url(c["url"], date_less_than=when(c["expires"])) + suffix
        else:
            p = re.search(r"[?&]Policy=([^&]*)", ours)
            if not p:
                raise ValueError("no Policy in " + ours)
            policy = b64d(p.group(1))
            ref = signer.generate_presigned_url(c["url"], policy=policy) + suffix
        if is_rsa and ours != ref:
            raise ValueError("URL differs from botocore's:\n ours %s\n boto %s" % (ours, ref))
        if not is_rsa and mask(ours) != mask(ref):
            raise ValueError("URL layout differs from botocore's:\n ours %s\n boto %s" % (mask(ours), mask(ref)))
    if c["kind"] != "canned":
        want = signer.build_policy(c["resource"], when(c["expires"]), when(c.get("not_before")), c.get("ip") or None)
        if json.loads(policy) != json.loads(want):
            raise ValueError("policy %s, botocore builds %s" % (policy, want))
    verify(key, h, b64d(sig), policy)


def main():
    req = json.load(sys.stdin)
    keys = {n: serialization.load_pem_private_key(p.encode(), None) for n, p in req["keys"].items()}
    out = []
    for c in req["cases"]:
        try:
            check(req["key_pair_id"], keys[c["key"]], c)
            out.append({"name": c["name"], "error": ""})
        except Exception as e:  # reported per case
            out.append({"name": c["name"], "error": "%s: %s" % (type(e).__name__, e)})
    json.dump(out, sys.stdout)


main()
