"""Drives an S3 endpoint with boto3 (botocore's own SigV4 signer) and prints
one JSON object per step. Used by TestBotocoreInterop."""
import io
import json
import os
import ssl
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

endpoint, akid, secret = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id=akid, aws_secret_access_key=secret,
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
key = "dir/a b+c ünï~!*'().txt"


def step(name, fn):
    try:
        out = {"step": name, "ok": True, "value": fn()}
    except Exception as e:  # report every failure with its S3 code
        code = getattr(e, "response", {}).get("Error", {}).get("Code", type(e).__name__)
        out = {"step": name, "ok": False, "code": code}
    print(json.dumps(out), flush=True)


def fetch(url):
    try:
        ctx = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE") or None)
        return urllib.request.urlopen(url, context=ctx).read().decode()
    except urllib.error.HTTPError as e:
        return "HTTP %d %s" % (e.code, "SignatureDoesNotMatch" if b"SignatureDoesNotMatch" in e.read() else "")


step("create", lambda: s3.create_bucket(Bucket="boto-bucket")["ResponseMetadata"]["HTTPStatusCode"])
step("put", lambda: s3.put_object(Bucket="boto-bucket", Key=key, Body=b"hello boto", Metadata={"Note": "a  b"})["ResponseMetadata"]["HTTPStatusCode"])
step("upload_fileobj", lambda: s3.upload_fileobj(io.BytesIO(b"x" * 100000), "boto-bucket", "big.bin"))
step("get", lambda: s3.get_object(Bucket="boto-bucket", Key=key)["Body"].read().decode())
step("get_big_len", lambda: len(s3.get_object(Bucket="boto-bucket", Key="big.bin")["Body"].read()))
step("head_meta", lambda: s3.head_object(Bucket="boto-bucket", Key=key)["Metadata"])
step("pab", lambda: s3.get_public_access_block(Bucket="boto-bucket")["PublicAccessBlockConfiguration"]["BlockPublicPolicy"])
step("put_acl", lambda: s3.put_bucket_acl(Bucket="boto-bucket", ACL="public-read"))
url = s3.generate_presigned_url("get_object", Params={"Bucket": "boto-bucket", "Key": key}, ExpiresIn=300)
step("presigned_get", lambda: fetch(url))
step("presigned_tampered", lambda: fetch(url.replace("Expires=300", "Expires=301")))
bad = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=akid, aws_secret_access_key="wrong",
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
step("wrong_secret", lambda: bad.list_buckets()["Buckets"])
